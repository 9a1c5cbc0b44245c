"""Reading contracts. A tenant's contract is fetched only through `contract_get` with the
caller's retailer: another retailer's contract answers "not found", like one that does not
exist."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from gemcare.catalog.selectors import plan_terms_by_version_id
from gemcare.common.errors import NotFound
from gemcare.common.fields import ZERO
from gemcare.contracts.models import Contract
from gemcare.partners.models import Retailer
from gemcare.rules.adjudication import ContractFacts


def contract_get(*, number: str, retailer: Retailer | None = None) -> Contract:
    """`retailer=None` is the provider's own view, which sees every contract."""
    query = Contract.objects.select_related("product_version__product", "holder", "store")
    if retailer is not None:
        query = query.filter(retailer=retailer)
    try:
        return query.get(number=number)
    except Contract.DoesNotExist:
        raise NotFound("contract", number) from None


def contract_facts(contract: Contract) -> ContractFacts:
    """The rules' view of a contract."""
    return ContractFacts(
        terms=plan_terms_by_version_id(contract.product_version_id),
        status=contract.status,
        item_kind=contract.item_kind,
        item_price=contract.item_price,
        purchased_on=contract.purchased_on,
        water_resistant=contract.item_water_resistant,
        approved_before=contract.approved_total,
    )


def contract_claims_summary(contract: Contract) -> tuple[Decimal, int]:
    """Services received (approved amounts of approved or fulfilled claims) and claims filed."""
    from gemcare.claims.models import APPROVED, FULFILLED

    summary = contract.claims.aggregate(
        services=Sum("approved", filter=Q(status__in=[APPROVED, FULFILLED])),
        filed=Count("id"),
    )
    return summary["services"] or ZERO, summary["filed"]

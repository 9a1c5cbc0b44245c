"""Reading contracts and holders, always on behalf of a caller.

A tenant's contract or holder is fetched only through the caller's scope: a retailer sees its
own contracts (with a store, that store's), a holder the contracts it currently holds, the
provider and the system every one. Anything outside the scope answers "not found", exactly
like a row that does not exist, so nothing leaks.
"""

from decimal import Decimal

from django.db.models import QuerySet

from gemcare.catalog.selectors import plan_terms_by_version_id
from gemcare.common.callers import Caller, caller_required, caller_scope
from gemcare.common.errors import NotFound
from gemcare.contracts.models import Contract, Holder, HolderPeriod
from gemcare.partners.models import Store
from gemcare.rules.adjudication import ContractFacts


def contracts_visible(*, caller: Caller, is_test: bool | None = None) -> QuerySet[Contract]:
    """Every contract the caller may see. `is_test` keeps test-mode and live records apart:
    a live API key asks with False, a test key with True; None (the provider's pages and
    work) gives both."""
    scope = caller_scope(caller, retailer="retailer_id", store="store_id", holder="holder_id")
    if scope is None:
        return Contract.objects.none()
    if is_test is not None:
        scope["is_test"] = is_test
    return Contract.objects.filter(**scope)


def contract_is_visible(contract: Contract, *, caller: Caller, is_test: bool | None = None) -> bool:
    """The same scope as `contracts_visible`, for a contract already loaded (or locked)."""
    caller = caller_required(caller)
    if is_test is not None and contract.is_test != is_test:
        return False
    if caller.is_provider:
        return True
    if caller.is_retailer:
        return contract.retailer_id == caller.retailer_id and (
            caller.store_id is None or contract.store_id == caller.store_id
        )
    if caller.is_holder:
        return contract.holder_id == caller.holder_id
    return False


def contract_get(*, caller: Caller, number: str, is_test: bool | None = None) -> Contract:
    # No number holds a NUL, and PostgreSQL refuses one in a query's text outright.
    if not isinstance(number, str) or "\x00" in number:
        raise NotFound("contract", number)
    query = contracts_visible(caller=caller, is_test=is_test).select_related(
        "product_version__product", "holder", "store"
    )
    try:
        return query.get(number=number)
    except (Contract.DoesNotExist, ValueError, TypeError):
        raise NotFound("contract", number) from None


def contracts_list(
    *, caller: Caller, status: str | None = None, is_test: bool | None = None
) -> QuerySet[Contract]:
    """The caller's contracts, newest sale first."""
    query = contracts_visible(caller=caller, is_test=is_test).select_related("holder", "store")
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("-purchased_on", "-id")


def store_for_sale(*, caller: Caller, code: str) -> Store:
    """The caller's store that a sale names by its code: a retailer's own stores (a key
    limited to one store, only that one); another retailer's store is "not found"."""
    caller = caller_required(caller)
    scope = (
        None
        if caller.is_holder
        else caller_scope(caller, retailer="retailer_id", store="pk", holder="pk")
    )
    if scope is None:
        raise NotFound("store", code)
    try:
        return Store.objects.select_related("retailer").get(code=code, **scope)
    except (Store.DoesNotExist, Store.MultipleObjectsReturned, ValueError, TypeError):
        raise NotFound("store", code) from None


def holders_visible(*, caller: Caller) -> QuerySet[Holder]:
    """The holders the caller may see: a retailer, those who hold or held one of its
    contracts; a holder, itself."""
    caller = caller_required(caller)
    if caller.is_provider:
        return Holder.objects.all()
    if caller.is_holder:
        return Holder.objects.filter(pk=caller.holder_id)
    if caller.is_retailer:
        periods = HolderPeriod.objects.filter(contract__retailer_id=caller.retailer_id)
        if caller.store_id is not None:
            periods = periods.filter(contract__store_id=caller.store_id)
        return Holder.objects.filter(pk__in=periods.values("holder_id"))
    return Holder.objects.none()


def holder_get(*, caller: Caller, holder_id: int) -> Holder:
    try:
        return holders_visible(caller=caller).get(pk=holder_id)
    except (Holder.DoesNotExist, ValueError, TypeError):
        raise NotFound("holder", holder_id) from None


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


def contract_claim_facts(contract_id: int) -> list[tuple[str, Decimal]]:
    """Each claim on a contract as (status, approved): what the rules core counts."""
    from gemcare.claims.models import Claim

    return list(Claim.objects.filter(contract_id=contract_id).values_list("status", "approved"))

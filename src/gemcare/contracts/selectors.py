"""Reading contracts and holders, always on behalf of a caller.

A tenant's contract or holder is fetched only through the caller's scope: a retailer sees its
own contracts (with a store, that store's), a holder the contracts it currently holds, the
provider and the system every one. Anything outside the scope answers "not found", exactly
like a row that does not exist, so nothing leaks.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from gemcare.catalog.selectors import plan_terms_by_version_id
from gemcare.common.callers import Caller, caller_required, caller_scope
from gemcare.common.errors import NotFound, Refused, translate_rule_errors
from gemcare.contracts.errors import ContractError
from gemcare.contracts.models import (
    ACTIVE,
    EXHAUSTED,
    PENDING_PICKUP,
    Contract,
    Holder,
    HolderPeriod,
)
from gemcare.partners.models import Store
from gemcare.rules.adjudication import ContractFacts, claims_value
from gemcare.rules.refunds import (
    HOLDER,
    PENALTY_PERIOD_DAYS,
    CancellationFacts,
    LatePenalty,
    RefundDecision,
    late_penalty,
    plan_refund,
)

# The statuses a plan may be cancelled in: an exhausted plan still has unearned price.
CANCELLABLE = frozenset({ACTIVE, EXHAUSTED, PENDING_PICKUP})
# A refund preview shows what a refund paid late would carry for this many 30-day periods.
PREVIEWED_LATE_PERIODS = 3


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


def contract_cancellable_check(contract: Contract, cancel_on: dt.date) -> None:
    """What refuses a cancellation before its refund is worked out: the contract's status
    and the date order of its events (RULEBOOK 3)."""
    if contract.status not in CANCELLABLE:
        raise Refused(ContractError.NOT_ACTIVE, f"The contract is {contract.status}.")
    if cancel_on < contract.last_event_on:
        raise Refused(
            ContractError.OUT_OF_ORDER,
            f"The cancellation is dated {cancel_on.isoformat()}, before "
            f"{contract.last_event_on.isoformat()}, the latest event already recorded on the "
            "contract.",
        )


def cancellation_facts(
    contract: Contract,
    claims: list[tuple[str, Decimal]],
    *,
    cancel_on: dt.date,
    by: str = HOLDER,
    reason: str | None = None,
    notice_on: dt.date | None = None,
) -> CancellationFacts:
    """The rules' view of a cancellation of `contract` on `cancel_on`, with its claims as
    `contract_claim_facts` gives them."""
    return CancellationFacts(
        terms=plan_terms_by_version_id(contract.product_version_id),
        state=contract.state_at_sale,
        plan_price=contract.plan_price,
        purchased_on=contract.purchased_on,
        cancel_on=cancel_on,
        by=by,
        reason=reason,
        services_received=claims_value(claims),
        claims_filed=len(claims),
        notice_on=notice_on,
        picked_up=contract.status != PENDING_PICKUP,
    )


@dataclass(frozen=True, slots=True)
class RefundPreview:
    contract: Contract
    cancel_on: dt.date
    decision: RefundDecision
    due_on: dt.date  # the refund is due then; paid later, it carries the penalty
    # (paid on, what it carries) for a refund paid on the last day of the 1st, 2nd… late period
    late_payments: tuple[tuple[dt.date, LatePenalty], ...]
    claim_in_review: bool  # a cancellation waits for the review (claim_in_review)


def refund_preview(
    *,
    caller: Caller,
    number: str,
    cancel_on: dt.date,
    reason: str | None = None,
    is_test: bool | None = None,
) -> RefundPreview:
    """What a holder's cancellation on `cancel_on` would refund, worked out exactly as the
    cancellation works it out, without writing anything. Refused as the cancellation would
    be for the contract's status and the date order; a claim awaiting review does not refuse
    the preview (the review may change what it deducts), it is said in `claim_in_review`."""
    from gemcare.claims.models import AWAITING_REVIEW

    contract = contract_get(caller=caller, number=number, is_test=is_test)
    contract_cancellable_check(contract, cancel_on)
    claims = contract_claim_facts(contract.pk)
    facts = cancellation_facts(contract, claims, cancel_on=cancel_on, reason=reason)
    with translate_rule_errors():
        decision = plan_refund(facts)
    penalty = late_penalty(decision.refund, cancel_on=cancel_on, paid_on=None)
    return RefundPreview(
        contract=contract,
        cancel_on=cancel_on,
        decision=decision,
        due_on=penalty.due_on,
        late_payments=tuple(
            (paid_on, late_penalty(decision.refund, cancel_on=cancel_on, paid_on=paid_on))
            for paid_on in (
                penalty.due_on + dt.timedelta(days=PENALTY_PERIOD_DAYS * periods)
                for periods in range(1, PREVIEWED_LATE_PERIODS + 1)
            )
        ),
        claim_in_review=any(status == AWAITING_REVIEW for status, _ in claims),
    )

"""Reading contracts and holders, always on behalf of a caller.

A tenant's contract or holder is fetched only through the caller's scope: a retailer sees its
own contracts (with a store, that store's), a holder the contracts it currently holds, the
provider and the system every one. Anything outside the scope answers "not found", exactly
like a row that does not exist, so nothing leaks.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace

from gemcare.catalog.selectors import plan_terms_by_version_id
from gemcare.common.callers import Caller, caller_required, caller_scope
from gemcare.common.errors import NotFound, Refused, translate_rule_errors
from gemcare.contracts.errors import ContractError
from gemcare.contracts.models import (
    ACTIVE,
    EXHAUSTED,
    PENDING_PICKUP,
    RECEIPT_LINE_RELEASED,
    VOIDED,
    Contract,
    Holder,
    HolderPeriod,
)
from gemcare.partners.models import Store
from gemcare.rules.adjudication import ContractFacts, claims_value
from gemcare.rules.products import TRANSFER_ANY, TRANSFER_GIFT_RECIPIENT_ONCE, PlanTerms
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


@dataclass(frozen=True, slots=True)
class ContractClaims:
    facts: list[tuple[str, Decimal]]  # each claim as (status, approved): what the rules count
    # A claim waits for a person: one awaiting an adjuster's review, or a denial whose holder
    # asked for a person's review (`review_open`). A cancellation waits for either: the
    # review may approve what the refund would then deduct.
    in_review: bool


def contract_claims(contract_id: int) -> ContractClaims:
    """The claims on a contract as a cancellation reads them, in one query."""
    from gemcare.claims.models import AWAITING_REVIEW, Claim

    rows = Claim.objects.filter(contract_id=contract_id).values_list(
        "status", "approved", "review_open"
    )
    return ContractClaims(
        facts=[(status, approved) for status, approved, _ in rows],
        in_review=any(status == AWAITING_REVIEW or review_open for status, _, review_open in rows),
    )


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
    `contract_claims` gives them."""
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
    claim_in_review: bool  # a cancellation waits for a person's review (claim_in_review)


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
    be for the contract's status and the date order; a claim waiting for a person's review
    does not refuse the preview (the review may change what it deducts), it is said in
    `claim_in_review`."""
    contract = contract_get(caller=caller, number=number, is_test=is_test)
    contract_cancellable_check(contract, cancel_on)
    claims = contract_claims(contract.pk)
    facts = cancellation_facts(contract, claims.facts, cancel_on=cancel_on, reason=reason)
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
        claim_in_review=claims.in_review,
    )


# --- what the jeweler portal reads -----------------------------------------------------------

RETURN = "return"
CANCEL = "cancel"
TRANSFER = "transfer"
PICKUP = "pickup"
CONTRACT_ACTIONS = (RETURN, CANCEL, TRANSFER, PICKUP)


def contract_transferable(contract: Contract) -> bool:
    """Whether the product lets the contract pass to a new holder now (RULEBOOK 3): a care
    plan always, an `ljpp-lifetime` plan once, to the recipient of an item sold as a gift."""
    terms = plan_terms_by_version_id(contract.product_version_id)
    if terms.transfer == TRANSFER_ANY:
        return True
    if terms.transfer == TRANSFER_GIFT_RECIPIENT_ONCE and contract.item_is_gift:
        return not contract.holders.filter(reason=HolderPeriod.GIFT_RECIPIENT).exists()
    return False


def contract_actions(*, caller: Caller, contract: Contract, on: dt.date) -> frozenset[str]:
    """Which of "return", "cancel", "transfer" and "pickup" the rules allow on `on` (a
    page shows only those; each service still refuses on its own, for a page gone stale):

    - cancel: the status may be cancelled, `on` is not before the latest event, and no claim
      waits for a person's review (`claim_in_review`);
    - return: as cancel, and the refund the preview works out for `on` voids the plan (in
      the free look with no services received, or before a layaway's pickup);
    - transfer: the contract is active, `on` is not before the latest event, and the
      product lets it pass to a new holder (`contract_transferable`);
    - pickup: the plan waits for its item's pickup.
    """
    if not contract_is_visible(contract, caller=caller):
        raise NotFound("contract", contract.number)
    allowed: set[str] = set()
    in_order = on >= contract.last_event_on
    if contract.status == PENDING_PICKUP and in_order:
        allowed.add(PICKUP)
    if contract.status == ACTIVE and in_order and contract_transferable(contract):
        allowed.add(TRANSFER)
    if contract.status in CANCELLABLE and in_order:
        claims = contract_claims(contract.pk)
        if not claims.in_review:
            allowed.add(CANCEL)
            with translate_rule_errors():
                decision = plan_refund(cancellation_facts(contract, claims.facts, cancel_on=on))
            if decision.status == VOIDED:
                allowed.add(RETURN)
    return frozenset(allowed)


# The most contracts one page of a search holds.
SEARCH_PAGE_MAX = 100
_PHONE_LIKE = re.compile(r"\+?[\d\s().-]{4,40}")
# What a phone number may be written with besides its digits.
_PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "+")


def _phone_digits():
    expression = F("holder__phone")
    for sign in _PHONE_PUNCTUATION:
        expression = Replace(expression, Value(sign), Value(""))
    return expression


def contracts_search(
    *,
    caller: Caller,
    text: str = "",
    status: str | None = None,
    before_id: int | None = None,
    limit: int = 25,
    is_test: bool = False,
) -> tuple[list[Contract], int | None]:
    """A page of the caller's contracts matching `text`, newest first by id, and the id the
    next page starts below (None on the last page).

    One box finds a plan by its number, its receipt number, its holder's name (any part of
    it, any case), email (the whole address, any case) or phone (the digits, however they
    were written: "(555) 010-0199" is found by "5550100199" and by "0100199"). Empty text
    lists the caller's contracts. Only the caller's: another retailer's (or store's) never
    match. Live records only unless `is_test` says otherwise."""
    if not 1 <= limit <= SEARCH_PAGE_MAX:
        raise ValueError(f"a page holds 1 to {SEARCH_PAGE_MAX} contracts")
    query = contracts_visible(caller=caller, is_test=is_test).select_related(
        "holder", "store", "product_version__product"
    )
    text = (text or "").strip()
    if "\x00" in text:
        return [], None  # no record holds a NUL, and PostgreSQL refuses one in a query
    if text:
        match = (
            Q(number=text.upper())
            | Q(receipt_number=text)
            | Q(holder__name__icontains=text)
            | Q(holder__email__iexact=text)
        )
        digits = re.sub(r"\D", "", text)
        if _PHONE_LIKE.fullmatch(text) and len(digits) >= 4:
            query = query.annotate(holder_phone_digits=_phone_digits())
            match |= Q(holder_phone_digits__contains=digits)
        query = query.filter(match)
    if status is not None:
        query = query.filter(status=status)
    if before_id is not None:
        query = query.filter(pk__lt=before_id)
    rows = list(query.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].pk if more else None


def contract_on_receipt_line(
    *, caller: Caller, receipt_number: str, receipt_line: int, is_test: bool = False
) -> Contract | None:
    """The caller's plan holding a receipt line (the one a `duplicate_sale` refers to), if
    the caller may see it."""
    return (
        contracts_visible(caller=caller, is_test=is_test)
        .filter(receipt_number=receipt_number, receipt_line=receipt_line)
        .exclude(status__in=RECEIPT_LINE_RELEASED)
        .order_by("-pk")
        .first()
    )


@dataclass(frozen=True, slots=True)
class ContractOverview:
    """What a plan's page shows: the contract, its terms, its claims and holders, what it may
    still pay and what may be done with it today."""

    contract: Contract
    terms: PlanTerms
    covered_services: tuple[str, ...]  # service codes for the item's kind
    claims: tuple
    holders: tuple[HolderPeriod, ...]
    remaining_limit: Decimal | None  # None: no aggregate limit
    actions: frozenset[str]
    on: dt.date


def contract_overview(
    *, caller: Caller, number: str, on: dt.date, is_test: bool = False
) -> ContractOverview:
    """The caller's contract `number` with everything its page shows; another tenant's is
    NotFound, exactly like a number that does not exist."""
    from gemcare.claims.selectors import claims_visible

    contract = contract_get(caller=caller, number=number, is_test=is_test)
    facts = contract_facts(contract)
    terms = facts.terms
    services = tuple(
        service.service
        for (kind, _), service in terms.services.items()
        if kind == contract.item_kind
        and (contract.item_water_resistant or not service.requires_water_resistant)
    )
    claims = tuple(
        claims_visible(caller=caller).filter(contract=contract).order_by("filed_on", "pk")
    )
    holders = tuple(contract.holders.select_related("holder").order_by("since", "pk"))
    return ContractOverview(
        contract=contract,
        terms=terms,
        covered_services=services,
        claims=claims,
        holders=holders,
        remaining_limit=facts.remaining_limit,
        actions=contract_actions(caller=caller, contract=contract, on=on),
        on=on,
    )

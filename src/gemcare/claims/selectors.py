"""Reading claims, always on behalf of a caller: "not found" for a claim that is not theirs."""

import datetime as dt
import heapq
import itertools
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan

from gemcare.catalog.selectors import plan_terms_by_version_id
from gemcare.claims.models import (
    APPROVED,
    AWAITING_REVIEW,
    DENIED,
    OPEN_STATUSES,
    Claim,
    ClaimDecision,
    ClaimLine,
    ClaimPhoto,
)
from gemcare.common.callers import Caller, caller_scope
from gemcare.common.errors import NotFound
from gemcare.contracts.models import Contract
from gemcare.contracts.selectors import contract_get
from gemcare.partners.models import RepairCenter
from gemcare.rules.adjudication import UNPAID_FLAG_DAYS, UnpaidEscalation, unpaid_escalation
from gemcare.rules.products import CoveredService
from gemcare.rules.reasons import WORDS


def claims_visible(*, caller: Caller, is_test: bool | None = None) -> QuerySet[Claim]:
    """Every claim the caller may see: a retailer's (with a store, that store's), those on
    the contracts a holder currently holds, or, for the provider, all. `is_test` keeps
    test-mode and live records apart, as for contracts: a claim is a test record when its
    contract is one."""
    scope = caller_scope(
        caller, retailer="retailer_id", store="contract__store_id", holder="contract__holder_id"
    )
    if scope is None:
        return Claim.objects.none()
    if is_test is not None:
        scope["contract__is_test"] = is_test
    return Claim.objects.filter(**scope)


def claim_get(*, caller: Caller, number: str, is_test: bool | None = None) -> Claim:
    """The caller's claim by its number; another tenant's (or store's, or mode's) answers
    "not found", exactly like a number that does not exist."""
    # No number holds a NUL, and PostgreSQL refuses one in a query's text outright.
    if not isinstance(number, str) or "\x00" in number:
        raise NotFound("claim", number)
    query = claims_visible(caller=caller, is_test=is_test).select_related(
        "contract__store", "repair_center", "reimbursement"
    )
    try:
        return query.get(number=number)
    except (Claim.DoesNotExist, ValueError, TypeError):
        raise NotFound("claim", number) from None


# Row ids are 64-bit: a larger number in an address names no row (and no database takes it).
ROW_ID_LIMIT = 2**63

# The most claims one page of the partner API's list holds.
PAGE_MAX = 100


def claims_page(
    *,
    caller: Caller,
    is_test: bool,
    contract_number: str = "",
    status: str | None = None,
    store: str = "",
    filed_from: dt.date | None = None,
    filed_to: dt.date | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> tuple[list[Claim], int | None]:
    """A page of the caller's claims, newest first by id, and the id the next page starts
    below (None on the last page). Ordered by id, a stable order: a claim filed while a
    client pages lands before its first page, never inside it. Filters are exact: a contract
    number, a status, a store's code, filing dates from and to (inclusive)."""
    if not 1 <= limit <= PAGE_MAX:
        raise ValueError(f"a page holds 1 to {PAGE_MAX} claims")
    query = claims_visible(caller=caller, is_test=is_test).select_related(
        "contract__store", "repair_center", "reimbursement"
    )
    if contract_number:
        query = query.filter(contract__number=contract_number)
    if status:
        query = query.filter(status=status)
    if store:
        query = query.filter(contract__store__code=store)
    if filed_from:
        query = query.filter(filed_on__gte=filed_from)
    if filed_to:
        query = query.filter(filed_on__lte=filed_to)
    if before_id is not None:
        query = query.filter(pk__lt=before_id)
    rows = list(query.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].pk if more else None


def claim_reason_words(claim: Claim, lines: list[ClaimLine]) -> str | None:
    """The words of the claim's reason code: those of the first line that carries it (a
    claim refused as a whole gives each line its reason), else the code's own words."""
    if not claim.reason_code:
        return None
    for line in lines:
        if line.reason_code == claim.reason_code:
            return line.reason_words
    template = WORDS.get(claim.reason_code)
    return template if template is not None and "{" not in template else None


def claims_of_contract(*, caller: Caller, contract_number: str) -> QuerySet[Claim]:
    """A contract's claims, in the order filed; "not found" if the contract is not the
    caller's."""
    contract = contract_get(caller=caller, number=contract_number)
    return Claim.objects.filter(contract=contract).order_by("filed_on", "id")


# The most claims one page of a queue holds.
QUEUE_PAGE_MAX = 500


def _queue_page(query: QuerySet[Claim], *, after: tuple[dt.date, int] | None, limit: int):
    """One page of a claim queue, oldest first, by keyset on (filed_on, id).

    `after` is the (filed_on, id) of the last claim of the previous page: the database starts
    there in the index instead of reading and discarding every earlier row (an OFFSET), so
    page 500 costs what page 1 does, and a claim decided meanwhile never shifts a page."""
    if not 1 <= limit <= QUEUE_PAGE_MAX:
        raise ValueError(f"a page holds 1 to {QUEUE_PAGE_MAX} claims")
    if after is not None:
        # A row comparison, (filed_on, id) > (day, id), through Django's composite-key lookups:
        # one range of the (filed_on, id) index.
        # Written as "later day, or same day and larger id", PostgreSQL reads every later row
        # through a bitmap and sorts them, which is the cost keyset paging is meant to avoid.
        query = query.filter(TupleGreaterThan(Tuple(F("filed_on"), F("pk")), tuple(after)))
    return list(query.select_related("contract", "retailer").order_by("filed_on", "pk")[:limit])


def claims_awaiting_review(
    *, caller: Caller, after: tuple[dt.date, int] | None = None, limit: int = 100
) -> list[Claim]:
    """The adjuster queue: the caller's claims awaiting review, oldest first, one page."""
    query = claims_visible(caller=caller).filter(status=AWAITING_REVIEW)
    return _queue_page(query, after=after, limit=limit)


def claims_unpaid_after_60_days(
    *, caller: Caller, on: dt.date, after: tuple[dt.date, int] | None = None, limit: int = 100
) -> list[Claim]:
    """Claims still unpaid 60 days after filing, oldest first, one page: flagged for
    escalation (see `claim_escalation` for whether the holder may claim directly)."""
    # One keyset page per status, merged in (filed_on, id) order: each status is one range of
    # its own partial index (the adjuster queue's, and the approved claims'), so each read
    # stops after `limit` rows. An index over both statuses would serve this list in one
    # query, but the planner then walks it for the adjuster queue too, throwing away every
    # approved claim older than the oldest one awaiting review.
    unpaid = claims_visible(caller=caller).filter(
        filed_on__lt=on - dt.timedelta(days=UNPAID_FLAG_DAYS)
    )
    pages = [
        _queue_page(unpaid.filter(status=status), after=after, limit=limit)
        for status in (AWAITING_REVIEW, APPROVED)
    ]
    merged = heapq.merge(*pages, key=lambda claim: (claim.filed_on, claim.pk))
    return list(itertools.islice(merged, limit))


def claims_review_requested(
    *, caller: Caller, after: tuple[dt.date, int] | None = None, limit: int = 50
) -> list[Claim]:
    """The denials whose holder (or jeweler) asked for a person and that no adjuster has
    decided yet, oldest filing first, one keyset page (as `claims_awaiting_review`)."""
    query = claims_visible(caller=caller).filter(review_open=True, status=DENIED)
    return _queue_page(query, after=after, limit=limit)


def claims_for_adjusters(
    *, caller: Caller, after: tuple[dt.date, int] | None = None, limit: int = 50
) -> list[Claim]:
    """The adjuster queue: claims awaiting review and denials with a review request, oldest
    filing first, one keyset page on (filed_on, id). Each list is one range of its own
    partial index; the two pages are merged in order, so the queue reads no more than
    `limit` rows of each."""
    pages = [
        claims_awaiting_review(caller=caller, after=after, limit=limit),
        claims_review_requested(caller=caller, after=after, limit=limit),
    ]
    merged = heapq.merge(*pages, key=lambda claim: (claim.filed_on, claim.pk))
    return list(itertools.islice(merged, limit))


def claim_escalation(claim: Claim, *, on: dt.date) -> UnpaidEscalation:
    """Whether a claim is flagged as unpaid, and whether its holder may claim directly. A
    denial whose holder asked for a person is not settled until the adjuster decides: it
    counts as unpaid meanwhile, from its filing, like a claim awaiting review."""
    paid = claim.status not in {AWAITING_REVIEW, APPROVED} and not claim.review_open
    if paid:
        return UnpaidEscalation(False, False)
    return unpaid_escalation(filed_on=claim.filed_on, on=on, state=claim.contract.state_at_sale)


# --- what the claim pages read ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A claim with everything its page shows of it."""

    claim: Claim
    lines: list[ClaimLine]
    decisions: list[ClaimDecision]
    photos: list[ClaimPhoto]
    reason_words: str | None

    @property
    def is_engine_denial(self) -> bool:
        """Denied by the rules with no adjuster's decision: a person's review may be asked."""
        return self.claim.status == DENIED and not any(
            decision.source == ClaimDecision.ADJUSTER for decision in self.decisions
        )

    @property
    def review_requestable(self) -> bool:
        return self.is_engine_denial and self.claim.review_requested_on is None


def claim_lines(claim: Claim) -> list[ClaimLine]:
    """A claim's lines in the order they were filed (the claim already the caller's)."""
    return list(ClaimLine.objects.filter(claim_id=claim.pk).order_by("position"))


def claim_view(*, caller: Caller, number: str, is_test: bool | None = None) -> ClaimView:
    """The caller's claim with its lines, decisions and photos; "not found" as `claim_get`."""
    claim = claim_get(caller=caller, number=number, is_test=is_test)
    lines = claim_lines(claim)
    return ClaimView(
        claim=claim,
        lines=lines,
        decisions=list(
            ClaimDecision.objects.filter(claim_id=claim.pk)
            .select_related("decided_by")
            .order_by("decided_at", "id")
        ),
        photos=list(ClaimPhoto.objects.filter(claim_id=claim.pk).order_by("uploaded_at", "id")),
        reason_words=claim_reason_words(claim, lines),
    )


def claim_photo_get(
    *, caller: Caller, number: str, photo_id: int, is_test: bool | None = None
) -> ClaimPhoto:
    """A photo of the caller's claim: "not found" when the claim is not the caller's, or the
    photo not the claim's."""
    claim = claim_get(caller=caller, number=number, is_test=is_test)
    if not isinstance(photo_id, int) or not 0 < photo_id < ROW_ID_LIMIT:
        raise NotFound("photo", photo_id)
    photo = ClaimPhoto.objects.filter(claim_id=claim.pk, pk=photo_id).first()
    if photo is None:
        raise NotFound("photo", photo_id)
    return photo


def claim_open_on(*, caller: Caller, contract: Contract) -> Claim | None:
    """The claim still open on one of the caller's contracts (awaiting review, or approved
    and not completed), the oldest if several: what a second filing is refused for."""
    return (
        claims_visible(caller=caller)
        .filter(contract_id=contract.pk, status__in=OPEN_STATUSES)
        .order_by("pk")
        .first()
    )


@dataclass(frozen=True, slots=True)
class ClaimForm:
    """What a claim's form on a contract offers: the services the plan covers for the
    item's kind (a water-damage repair only on a water-resistant watch), in the order of
    their codes, the causes it covers, and whether it asks about a watch's maintenance."""

    contract: Contract
    services: list[CoveredService]
    causes_covered: frozenset[str]
    asks_maintenance: bool


def claim_form_of(*, caller: Caller, number: str, is_test: bool | None = None) -> ClaimForm:
    """The form for a claim on the caller's contract `number` (from the terms it was sold
    under); "not found" as `contract_get`."""
    contract = contract_get(caller=caller, number=number, is_test=is_test)
    terms = plan_terms_by_version_id(contract.product_version_id)
    services = [
        service
        for service in terms.services.values()
        if service.item_kind == contract.item_kind
        and (contract.item_water_resistant or not service.requires_water_resistant)
    ]
    return ClaimForm(
        contract=contract,
        services=sorted(services, key=lambda service: service.service),
        causes_covered=frozenset(terms.causes),
        asks_maintenance=terms.requires_maintenance,
    )


def repair_centers_for_routing() -> list[RepairCenter]:
    """The repair centers the provider has approved: where a jeweler may ship the work."""
    return list(RepairCenter.objects.filter(is_approved=True).order_by("name", "code"))

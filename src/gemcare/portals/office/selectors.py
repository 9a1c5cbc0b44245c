"""What the back office reads that no domain selector gives: refunds due, a claim's contract
history, and the search across retailers. Every read takes the caller and answers only the
provider's staff (anyone else gets nothing, or "not found").

Test-mode records (made with test API keys) are listed with the rest, marked as such: the
provider's staff see both, as in the admin.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan

from gemcare.claims.models import Claim
from gemcare.claims.selectors import ROW_ID_LIMIT, ClaimView, claim_view
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import NotFound
from gemcare.contracts.models import Cancellation, Contract, ContractEvent, HolderPeriod
from gemcare.rules.refunds import LatePenalty, late_penalty

# The most rows one page of a back-office list holds.
PAGE_MAX = 200
# The most rows a search answers of each kind.
SEARCH_MAX = 25


def _provider_check(caller: Caller) -> None:
    caller = caller_required(caller)
    if not caller.is_provider:
        raise NotFound("page", "office")


# --- refunds due -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefundDue:
    cancellation: Cancellation
    penalty_starts_on: dt.date  # the day after the refund was due
    paid_today: LatePenalty  # what paying it today carries (no penalty while not late)

    @property
    def is_late(self) -> bool:
        return self.paid_today.days_late > 0


def _unpaid() -> QuerySet[Cancellation]:
    return Cancellation.objects.filter(payments__isnull=True, refund__gt=0)


def refunds_due(
    *, caller: Caller, on: dt.date, after: tuple[dt.date, int] | None = None, limit: int = 50
) -> list[RefundDue]:
    """Cancellations whose refund is not paid yet, the earliest due first, one keyset page
    on (due_on, id), each with the day its late penalty starts and what paying it `on`
    would carry (RULEBOOK 5: 10% of the refund per started 30 days past the due date). A
    cancellation that refunds nothing owes nothing and is not listed."""
    _provider_check(caller)
    if not 1 <= limit <= PAGE_MAX:
        raise ValueError(f"a page holds 1 to {PAGE_MAX} refunds")
    query = _unpaid().select_related("contract__retailer", "contract__holder")
    if after is not None:
        query = query.filter(TupleGreaterThan(Tuple(F("due_on"), F("pk")), tuple(after)))
    rows = list(query.order_by("due_on", "pk")[:limit])
    return [
        RefundDue(
            cancellation=row,
            penalty_starts_on=row.due_on + dt.timedelta(days=1),
            paid_today=late_penalty(row.refund, cancel_on=row.cancel_on, paid_on=on),
        )
        for row in rows
    ]


def refund_due_get(*, caller: Caller, cancellation_id: int) -> Cancellation:
    """A cancellation whose refund is still to be paid; "not found" otherwise (paid, or none
    such), and for anyone but the provider's staff."""
    _provider_check(caller)
    if not isinstance(cancellation_id, int) or not 0 < cancellation_id < ROW_ID_LIMIT:
        raise NotFound("refund", cancellation_id)
    found = _unpaid().select_related("contract").filter(pk=cancellation_id).first()
    if found is None:
        raise NotFound("refund", cancellation_id)
    return found


# --- a claim with its contract's history -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimFile:
    """A claim as the adjuster reads it: the claim itself (`ClaimView`) and its contract's
    history, holders and other claims."""

    view: ClaimView
    contract: Contract
    events: list[ContractEvent]
    holders: list[HolderPeriod]
    claims: list[Claim]


def claim_file_of(*, caller: Caller, number: str) -> ClaimFile:
    _provider_check(caller)
    view = claim_view(caller=caller, number=number)
    contract = (
        Contract.objects.select_related("product_version__product", "retailer", "store", "holder")
        .filter(pk=view.claim.contract_id)
        .get()
    )
    return ClaimFile(
        view=view,
        contract=contract,
        events=list(ContractEvent.objects.filter(contract=contract).order_by("at", "id")),
        holders=list(
            HolderPeriod.objects.filter(contract=contract)
            .select_related("holder")
            .order_by("since", "id")
        ),
        claims=list(Claim.objects.filter(contract=contract).order_by("filed_on", "id")),
    )


# --- search ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchResult:
    contracts: list[Contract]
    claims: list[Claim]


_NUMBER = re.compile(r"[A-Za-z0-9-]{4,16}")


def office_search(*, caller: Caller, text: str) -> SearchResult:
    """Contracts and claims across every retailer, by a contract's or a claim's number, a
    receipt number, a holder's name (any part of it) or email (the whole address): at most
    `SEARCH_MAX` of each, newest first."""
    _provider_check(caller)
    text = text.strip()
    if not text:
        return SearchResult([], [])
    holder = Q(holder__name__icontains=text) | Q(holder__email__iexact=text)
    contract_match = holder | Q(receipt_number=text)
    claim_match = Q(contract__holder__name__icontains=text) | Q(
        contract__holder__email__iexact=text
    )
    if _NUMBER.fullmatch(text):
        contract_match |= Q(number=text.upper())
        claim_match |= Q(number=text.upper()) | Q(contract__number=text.upper())
    contracts = list(
        Contract.objects.filter(contract_match)
        .select_related("retailer", "store", "holder")
        .order_by("-pk")[:SEARCH_MAX]
    )
    claims = list(
        Claim.objects.filter(claim_match)
        .select_related("contract__holder", "retailer")
        .order_by("-pk")[:SEARCH_MAX]
    )
    return SearchResult(contracts, claims)

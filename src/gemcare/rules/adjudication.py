"""Claim adjudication on plans (RULEBOOK §4).

`decide_claim` applies the six checks in order (the first that fails decides the whole claim),
then each line's rules, then the replacement rule and the aggregate limit. The decision lists
every line's result with its reason, so a jeweler can read it to the customer as it stands.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from gemcare.rules.dates import add_years, within_days
from gemcare.rules.money import CENT, ZERO, round_cents
from gemcare.rules.products import LIMIT_ITEM_PRICE, PlanTerms
from gemcare.rules.reasons import Reason

APPROVED = "approved"
PARTIALLY_APPROVED = "partially_approved"
DENIED = "denied"
RETURN_TO_JEWELER = "return_to_jeweler"
DECISIONS = (APPROVED, PARTIALLY_APPROVED, DENIED, RETURN_TO_JEWELER)

REPAIR = "repair"
REPLACEMENT = "replacement"

LINE_APPROVED = "approved"
LINE_DENIED = "denied"
LINE_REDUCED = "reduced"

UNPAID_FLAG_DAYS = 60
# There the holder may claim directly against the backing insurer or surety once a claim is
# unpaid for 60 days (RULEBOOK §4; the state variations of seeds/003).
DIRECT_CLAIM_STATES = frozenset({"CT", "GA", "WI"})

CLOSED_STATUSES = frozenset({"voided", "cancelled", "exhausted", "replaced"})
EXPIRED_STATUS = "expired"
REVIEW_THRESHOLD = Decimal("1500.00")


@dataclass(frozen=True, slots=True)
class ContractFacts:
    terms: PlanTerms
    status: str
    item_kind: str
    item_price: Decimal
    purchased_on: dt.date
    water_resistant: bool = False
    approved_before: Decimal = ZERO  # everything approved on earlier claims

    @property
    def term_end(self) -> dt.date | None:
        if self.terms.term_years is None:
            return None
        return add_years(self.purchased_on, self.terms.term_years)

    @property
    def remaining_limit(self) -> Decimal | None:
        if self.terms.aggregate_limit != LIMIT_ITEM_PRICE:
            return None
        return max(ZERO, self.item_price - self.approved_before)


@dataclass(frozen=True, slots=True)
class ClaimLine:
    service: str
    estimated_cost: Decimal
    sizes: int | None = None


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    incident_on: dt.date
    filed_on: dt.date
    cause: str
    lines: tuple[ClaimLine, ...]
    repairable: bool = True
    maintenance_done: bool = True

    @property
    def estimated_total(self) -> Decimal:
        return sum((line.estimated_cost for line in self.lines), ZERO)


@dataclass(frozen=True, slots=True)
class LineResult:
    service: str
    estimated_cost: Decimal
    result: str
    approved: Decimal
    reason: Reason


@dataclass(frozen=True, slots=True)
class ClaimDecision:
    decision: str
    reason: Reason | None  # the deciding reason of a denied or redirected claim
    approved: Decimal
    holder_share: Decimal
    remaining_limit: Decimal | None
    fulfilment: str | None
    needs_review: bool
    lines: tuple[LineResult, ...]
    notes: tuple[Reason, ...] = ()  # replacement, limit and review explanations

    @property
    def reason_code(self) -> str | None:
        if self.reason is not None:
            return self.reason.code
        first_denied = next((line for line in self.lines if line.result == LINE_DENIED), None)
        return first_denied.reason.code if first_denied else None

    @property
    def explanation(self) -> list[str]:
        said = [self.reason.words] if self.reason else []
        return said + [line.reason.words for line in self.lines] + [n.words for n in self.notes]


def decide_claim(contract: ContractFacts, claim: ClaimFacts) -> ClaimDecision:
    refusal = _check_claim(contract, claim)
    if refusal is not None:
        decision = RETURN_TO_JEWELER if refusal.code == RETURN_TO_JEWELER else DENIED
        return _refused(contract, claim, decision, refusal, ())

    lines = tuple(_decide_line(contract, line) for line in claim.lines)
    approved_lines = [line for line in lines if line.result == LINE_APPROVED]
    if not approved_lines:
        return _refused(contract, claim, DENIED, None, lines)

    notes: list[Reason] = []
    amount = sum((line.approved for line in approved_lines), ZERO)
    replacement = not claim.repairable or amount > contract.item_price
    if replacement:
        template = "replacement_not_repairable" if not claim.repairable else None
        notes.append(
            Reason.of(
                "replacement",
                template or "replacement_cost_over_price",
                cost=amount,
                amount=contract.item_price,
                replacement=contract.terms.replacement,
            )
        )
        amount = contract.item_price

    cut_by_limit = False
    remaining = contract.remaining_limit
    if remaining is not None:
        if remaining <= ZERO:
            return _refused(contract, claim, DENIED, Reason.of("limit_exhausted"), lines)
        if amount > remaining:
            amount, cut_by_limit = remaining, True
            notes.append(Reason.of("limit_reached", remaining=remaining))
            if not replacement:
                lines = _cut_lines(lines, remaining)
        remaining = remaining - amount

    amount = round_cents(amount)
    needs_review = replacement or amount > REVIEW_THRESHOLD
    if needs_review:
        notes.append(Reason.of("needs_review"))
    every_line_approved = len(approved_lines) == len(lines)
    return ClaimDecision(
        decision=APPROVED if every_line_approved and not cut_by_limit else PARTIALLY_APPROVED,
        reason=None,
        approved=amount,
        holder_share=ZERO if replacement else round_cents(claim.estimated_total - amount),
        remaining_limit=None if remaining is None else round_cents(remaining),
        fulfilment=REPLACEMENT if replacement else REPAIR,
        needs_review=needs_review,
        lines=lines,
        notes=tuple(notes),
    )


def _check_claim(contract: ContractFacts, claim: ClaimFacts) -> Reason | None:
    terms = contract.terms
    if contract.status in CLOSED_STATUSES:
        return Reason.of("contract_not_active", status=contract.status)
    if claim.incident_on < contract.purchased_on:
        return Reason.of("preexisting", incident=claim.incident_on, purchased=contract.purchased_on)
    term_end = contract.term_end
    if contract.status == EXPIRED_STATUS or (
        term_end is not None and claim.incident_on >= term_end
    ):
        return Reason.of("expired", term_end=term_end or "earlier", incident=claim.incident_on)
    if terms.return_to_jeweler_days is not None and within_days(
        claim.filed_on, contract.purchased_on, terms.return_to_jeweler_days
    ):
        return Reason.of(
            RETURN_TO_JEWELER, days=terms.return_to_jeweler_days, purchased=contract.purchased_on
        )
    if claim.cause not in terms.causes:
        return Reason.of("cause_not_covered", cause=claim.cause)
    if terms.requires_maintenance and not claim.maintenance_done:
        return Reason.of("maintenance_not_performed")
    return None


def _decide_line(contract: ContractFacts, line: ClaimLine) -> LineResult:
    covered = contract.terms.covered_service(contract.item_kind, line.service)
    if covered is None:
        reason = Reason.of("service_not_covered", service=line.service, kind=contract.item_kind)
        return LineResult(line.service, line.estimated_cost, LINE_DENIED, ZERO, reason)
    if covered.requires_water_resistant and not contract.water_resistant:
        reason = Reason.of("service_not_covered", "water_resistance_required")
        return LineResult(line.service, line.estimated_cost, LINE_DENIED, ZERO, reason)
    sizes = line.sizes or 1
    if covered.max_sizes is not None and sizes > covered.max_sizes:
        reason = Reason.of("sizing_limit", max_sizes=covered.max_sizes, sizes=sizes)
        return LineResult(line.service, line.estimated_cost, LINE_DENIED, ZERO, reason)
    reason = Reason.of("line_approved", service=line.service, amount=line.estimated_cost)
    return LineResult(line.service, line.estimated_cost, LINE_APPROVED, line.estimated_cost, reason)


def _cut_lines(lines: tuple[LineResult, ...], available: Decimal) -> tuple[LineResult, ...]:
    """Spread what is left of the limit over the approved lines, in the order filed."""
    result = []
    for line in lines:
        if line.result != LINE_APPROVED:
            result.append(line)
            continue
        paid = min(line.approved, available)
        available -= paid
        if paid == line.approved:
            result.append(line)
        else:
            reason = Reason.of("limit_reached", remaining=paid)
            result.append(LineResult(line.service, line.estimated_cost, LINE_REDUCED, paid, reason))
    return tuple(result)


def _refused(
    contract: ContractFacts,
    claim: ClaimFacts,
    decision: str,
    reason: Reason | None,
    lines: tuple[LineResult, ...],
) -> ClaimDecision:
    remaining = contract.remaining_limit
    return ClaimDecision(
        decision=decision,
        reason=reason,
        approved=ZERO,
        holder_share=round_cents(claim.estimated_total),
        remaining_limit=None if remaining is None else round_cents(remaining),
        fulfilment=None,
        needs_review=False,
        lines=lines,
    )


# The claim statuses whose approved amount counts: against the aggregate limit while the
# claim stands, and as services received when the plan is cancelled. A claim awaiting review
# holds its amount (the limit is used at approval); a cancellation waits for the review.
COUNTED_CLAIM_STATUSES = frozenset({"awaiting_review", "approved", "fulfilled"})


def claim_value(status: str, approved: Decimal) -> Decimal:
    """What one claim counts for: the limit it uses, the services it gave the holder.

    The claim path keeps the contract's running total with it and a cancellation sums it
    over the contract's claims, so the two can never disagree about what was paid.
    """
    return approved if status in COUNTED_CLAIM_STATUSES else ZERO


def claims_value(claims: Iterable[tuple[str, Decimal]]) -> Decimal:
    """The services received on (and the limit used by) claims given as (status, approved)."""
    return sum((claim_value(status, approved) for status, approved in claims), ZERO)


@dataclass(frozen=True, slots=True)
class UnpaidEscalation:
    flagged: bool
    direct_claim_allowed: bool


def unpaid_escalation(*, filed_on: dt.date, on: dt.date, state: str) -> UnpaidEscalation:
    """A claim still unpaid more than 60 days after filing is flagged; in CT, GA and WI the
    holder may then claim directly against the backing insurer or surety."""
    flagged = not within_days(on, filed_on, UNPAID_FLAG_DAYS)
    return UnpaidEscalation(flagged, flagged and state in DIRECT_CLAIM_STATES)


def unestimated_costs(estimates: Sequence[Decimal | None], payable: Decimal) -> list[Decimal]:
    """The cost of each line of a claim, where a holder may leave a line's estimate out
    (docs/rule-interpretations.md): a line without one takes an equal share, in whole cents,
    of what the plan can pay for the item (`payable`) after the estimated lines, never below
    zero; the first such line takes the cents left over. Estimated lines keep theirs."""
    left = max(ZERO, payable - sum((cost for cost in estimates if cost is not None), ZERO))
    open_count = sum(1 for cost in estimates if cost is None)
    share = (left / open_count).quantize(CENT, rounding=ROUND_DOWN) if open_count else ZERO
    spare = left - share * open_count
    costs = []
    for cost in estimates:
        if cost is None:
            cost, spare = share + spare, ZERO
        costs.append(cost)
    return costs

"""Personal jewelry insurance: rating, loss settlement and policy changes (RULEBOOK §6); the
billing and the rest of a policy's year are in `gemcare.rules.insurance_lifecycle`.

Rates and deductible factors are data (`InsuranceRating`), versioned by the catalog; a policy
keeps the rating it was bound under until it renews at the rates then in force.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from gemcare.rules import vocabulary
from gemcare.rules.dates import add_years, days_between, within_days
from gemcare.rules.errors import RuleInputError, RuleRefusal
from gemcare.rules.money import ZERO, parse_decimal, parse_money, round_cents, round_dollars
from gemcare.rules.reasons import Reason

HUNDRED = Decimal("100")
NEWLY_ACQUIRED_DAYS = 30
NEWLY_ACQUIRED_SHARE = Decimal("0.25")
NEWLY_ACQUIRED_CAP = Decimal("10000.00")
FULL_REFUND_DAYS = 30
INSURER_NOTICE_DAYS = 10
INSURED = "insured"
INSURER = "insurer"


@dataclass(frozen=True)
class InsuranceRating:
    code: str
    version: int
    default_rate: Decimal
    state_rates: Mapping[str, Decimal]
    deductible_factors: Mapping[Decimal, Decimal]
    minimum_premium: Decimal
    installment_fee: Decimal
    installment_counts: tuple[int, ...]

    def rate(self, state: str) -> Decimal:
        return self.state_rates.get(state, self.default_rate)

    def deductible_factor(self, deductible: Decimal) -> Decimal:
        try:
            return self.deductible_factors[deductible]
        except KeyError:
            offered = ", ".join(f"{d:.2f}" for d in sorted(self.deductible_factors))
            raise RuleInputError(
                "deductible", f"{deductible:.2f}", f"is not offered (choose one of {offered})"
            ) from None


def insurance_rating_from_definition(code: str, version: int, d: Mapping) -> InsuranceRating:
    def money(key: str) -> Decimal:
        return parse_money(d.get(key), field=key)

    state_rates = {}
    for state, rate in (d.get("state_rates") or {}).items():
        vocabulary.check_code(state, vocabulary.US_STATES, field="state_rates", what="US state")
        state_rates[state] = parse_decimal(rate, field=f"state_rates.{state}")
    factors = {
        parse_money(deductible, field="deductible_factors"): parse_decimal(
            factor, field=f"deductible_factors.{deductible}"
        )
        for deductible, factor in (d.get("deductible_factors") or {}).items()
    }
    if not factors:
        raise RuleInputError("deductible_factors", {}, "at least one deductible is needed")
    counts = tuple(d.get("installment_counts") or (1,))
    if any(isinstance(c, bool) or not isinstance(c, int) or c < 1 for c in counts):
        raise RuleInputError("installment_counts", counts, "must be whole numbers above zero")
    return InsuranceRating(
        code=code,
        version=version,
        default_rate=parse_decimal(d.get("default_rate"), field="default_rate"),
        state_rates=state_rates,
        deductible_factors=factors,
        minimum_premium=money("minimum_premium"),
        installment_fee=money("installment_fee"),
        installment_counts=counts,
    )


# --- rating -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PremiumQuote:
    item_premiums: tuple[Decimal, ...]
    premium: Decimal
    installments: int
    installment: Decimal | None  # each monthly payment with its fee


def item_premium(rating: InsuranceRating, *, state: str, deductible: Decimal, limit: Decimal):
    factor = rating.deductible_factor(deductible)
    return round_cents(limit / HUNDRED * rating.rate(state) * factor)


def quote_policy(
    rating: InsuranceRating,
    *,
    state: str,
    deductible: Decimal,
    limits: Sequence[Decimal],
    installments: int = 1,
) -> PremiumQuote:
    if installments not in rating.installment_counts:
        raise RuleInputError(
            "installments", installments, f"must be one of {list(rating.installment_counts)}"
        )
    premiums = tuple(
        item_premium(rating, state=state, deductible=deductible, limit=limit) for limit in limits
    )
    premium = max(sum(premiums, ZERO), rating.minimum_premium)
    installment = None
    if installments > 1:
        installment = round_cents(premium / installments) + rating.installment_fee
    return PremiumQuote(premiums, premium, installments, installment)


def policy_period_end(start: dt.date) -> dt.date:
    return add_years(start, 1)


def check_possession(named_insureds: Sequence[str], possessors: Sequence[str | None]) -> None:
    """An item in someone else's possession needs that person named on the policy."""
    named = {name.strip().casefold() for name in named_insureds}
    for index, possessor in enumerate(possessors):
        if possessor and possessor.strip().casefold() not in named:
            raise RuleInputError(
                f"items[{index}].possessed_by",
                possessor,
                "the person who has the item must be a named insured",
            )


# --- losses --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PolicyFacts:
    start: dt.date
    end: dt.date  # one year after start: the period's length, for unearned premium
    deductible: Decimal
    total_scheduled_limits: Decimal
    covered_until: dt.date | None = None  # a cancellation date, when the policy ended early

    @property
    def cover_end(self) -> dt.date:
        return self.covered_until or self.end


@dataclass(frozen=True, slots=True)
class ScheduledItemFacts:
    limit: Decimal
    premium: Decimal


@dataclass(frozen=True, slots=True)
class LossFacts:
    loss_on: dt.date
    peril: str
    cost: Decimal  # to repair or replace with like kind and quality
    repair: str | None = None
    service_plan_due: Decimal = ZERO
    paid_by_others: Decimal = ZERO
    other_insurance_limits: Decimal = ZERO
    pair_set_amount: Decimal | None = None
    newly_acquired_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class LossSettlement:
    covered: bool
    reason: Reason
    payout: Decimal
    item_removed: bool
    refund: Decimal
    steps: Mapping[str, Decimal]  # A, B, C, D of RULEBOOK §6.1

    @property
    def reason_code(self) -> str | None:
        return None if self.covered else self.reason.code


def loss_coverage(policy: PolicyFacts, loss: LossFacts) -> Reason | None:
    """Why a loss is not covered, or None: the policy period, the peril, the newly acquired
    item's 30 days. These need no amount, so a loss is answered on the day it is reported."""
    if not policy.start <= loss.loss_on < policy.cover_end:
        return Reason.of(
            "outside_policy_period", date=loss.loss_on, start=policy.start, end=policy.cover_end
        )
    exclusion = peril_exclusion(loss.peril, loss.repair)
    if exclusion is not None:
        return exclusion
    if loss.newly_acquired_on is not None:
        acquired = loss.newly_acquired_on
        if not (
            policy.start <= acquired <= loss.loss_on
            and within_days(loss.loss_on, acquired, NEWLY_ACQUIRED_DAYS)
        ):
            return Reason.of("newly_acquired_period_over", acquired=acquired, date=loss.loss_on)
    return None


def settle_loss(
    policy: PolicyFacts, loss: LossFacts, item: ScheduledItemFacts | None
) -> LossSettlement:
    refusal = loss_coverage(policy, loss)
    if refusal is not None:
        return _not_covered(refusal)

    if loss.newly_acquired_on is not None:
        this_limit = min(policy.total_scheduled_limits * NEWLY_ACQUIRED_SHARE, NEWLY_ACQUIRED_CAP)
        total_loss = False
    else:
        if item is None:
            raise RuleInputError(
                "item", None, "a loss names a scheduled item or a newly acquired one"
            )
        this_limit = item.limit
        total_loss = loss.peril in vocabulary.TOTAL_LOSS_PERILS or loss.cost >= item.limit

    candidates = [loss.cost, this_limit]
    if loss.pair_set_amount is not None:
        candidates.append(loss.pair_set_amount)
    a = min(candidates)
    b = max(ZERO, a - loss.service_plan_due - loss.paid_by_others)
    c = max(ZERO, b - policy.deductible)
    # A zero limit (a newly acquired item on an emptied schedule) pays nothing; 0 / 0 would raise.
    d = c * this_limit / (this_limit + loss.other_insurance_limits) if this_limit else ZERO
    payout = round_cents(d)
    refund = ZERO
    if total_loss and item is not None:
        # Days after an early cancellation were refunded by the cancellation itself.
        days_left = max(0, days_between(loss.loss_on, policy.cover_end))
        refund = round_cents(item.premium * days_left / days_between(policy.start, policy.end))
    reason = (
        Reason.of("covered_loss", "total_loss", refund=refund)
        if total_loss
        else Reason.of("covered_loss", payout=payout)
    )
    return LossSettlement(
        True, reason, payout, total_loss, refund, {"A": a, "B": b, "C": c, "D": d}
    )


def peril_exclusion(peril: str, repair: str | None) -> Reason | None:
    vocabulary.check_code(peril, vocabulary.PERILS, field="peril", what="peril")
    if peril == vocabulary.WEAR_AND_TEAR:
        if repair is not None and repair in vocabulary.WEAR_AND_TEAR_REPAIRS:
            return None
        return Reason.of("wear_and_tear")
    if peril in vocabulary.EXCLUDED_PERILS:
        return Reason.of(peril, "peril_excluded", peril=peril)
    return None


def unearned_premium(premium: Decimal, start: dt.date, end: dt.date, on: dt.date) -> Decimal:
    days_total = days_between(start, end)
    days_left = min(days_total, max(0, days_between(on, end)))
    return round_cents(premium * days_left / days_total)


def _not_covered(reason: Reason) -> LossSettlement:
    return LossSettlement(False, reason, ZERO, False, ZERO, {})


PROOF_OF_LOSS_DAYS = 90
PAYMENT_DAYS = 30
APPRAISER_DAYS = 20
UMPIRE_DAYS = 15
SUIT_YEARS = 1


@dataclass(frozen=True, slots=True)
class LossDeadlines:
    proof_of_loss_due: dt.date | None
    payment_due: dt.date | None
    appraiser_named_by: dt.date | None
    umpire_chosen_by: dt.date | None
    suit_by: dt.date


def loss_deadlines(
    *,
    known_on: dt.date,
    proof_requested_on: dt.date | None = None,
    amount_agreed_on: dt.date | None = None,
    appraisal_demanded_on: dt.date | None = None,
    appraisers_named_on: dt.date | None = None,
) -> LossDeadlines:
    """The clocks of RULEBOOK 6.1. The umpire's 15 days run from the day the second
    appraiser is named (`appraisers_named_on`): until both sides have named theirs there is
    nobody to pick an umpire."""

    def after(day: dt.date | None, days: int) -> dt.date | None:
        return None if day is None else day + dt.timedelta(days=days)

    return LossDeadlines(
        proof_of_loss_due=after(proof_requested_on, PROOF_OF_LOSS_DAYS),
        payment_due=after(amount_agreed_on, PAYMENT_DAYS),
        appraiser_named_by=after(appraisal_demanded_on, APPRAISER_DAYS),
        umpire_chosen_by=after(appraisers_named_on, UMPIRE_DAYS),
        suit_by=add_years(known_on, SUIT_YEARS),
    )


def appraisers_named_on(
    insured_named_on: dt.date | None, insurer_named_on: dt.date | None
) -> dt.date | None:
    """The day both sides had named their appraiser (the later of the two), or None."""
    if insured_named_on is None or insurer_named_on is None:
        return None
    return max(insured_named_on, insurer_named_on)


def deadline_met(due: dt.date, done_on: dt.date) -> bool:
    """Done in time: on the due date itself or before it."""
    return done_on <= due


# --- policy changes ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CancellationRefund:
    """A cancellation's refund and how it was reached, for the page shown before confirming."""

    refund: Decimal
    full_refund: bool  # the insured's own cancellation within 30 days of the start
    premium_paid: Decimal
    unearned: Decimal  # the unearned part of the annual premium in force
    days_left: int
    days_in_period: int
    reason: Reason


def policy_cancellation_breakdown(
    *,
    premium_paid: Decimal,
    annual_premium_in_force: Decimal,
    start: dt.date,
    end: dt.date,
    cancel_on: dt.date,
    by: str,
    notice_on: dt.date | None = None,
    premium_unpaid: Decimal = ZERO,
) -> CancellationRefund:
    """The premium returned when a policy is cancelled (RULEBOOK §6.2).

    `premium_paid` is the period's premium less what was already refunded in it (for items
    removed or lost), or less when payments are recorded and fall short of it; the insured
    gets all of it back within 30 days of the start. Later, the refund is the unearned part of
    the annual premium still in force: the annual premiums of the items still scheduled, plus
    any top-up to the minimum premium. Items removed earlier were refunded then, and items
    added mid-term were charged only for the rest of the period, so neither is counted twice;
    the refund never exceeds what was paid. Where payments are recorded, `premium_unpaid`
    (the premium of installments not paid) is cancelled instead of refunded: it comes off
    the unearned part first, so the insured keeps paying for the days already covered.
    """
    days_total = days_between(start, end)
    days_left = min(days_total, max(0, days_between(cancel_on, end)))
    paid = round_cents(premium_paid)
    if by == INSURER:
        notice_on = notice_on or cancel_on - dt.timedelta(days=INSURER_NOTICE_DAYS)
        if days_between(notice_on, cancel_on) < INSURER_NOTICE_DAYS:
            raise RuleRefusal(
                "notice_too_short",
                f"The insurer must give written notice at least {INSURER_NOTICE_DAYS} days "
                f"before the cancellation takes effect; it was given on {notice_on}.",
            )
    elif within_days(cancel_on, start, FULL_REFUND_DAYS):
        return CancellationRefund(
            refund=paid,
            full_refund=True,
            premium_paid=paid,
            unearned=unearned_premium(annual_premium_in_force, start, end, cancel_on),
            days_left=days_left,
            days_in_period=days_total,
            reason=Reason(
                "full_refund",
                f"Cancelled within {FULL_REFUND_DAYS} days of the period's start: the premium "
                f"paid, {paid:.2f}, is refunded in full.",
            ),
        )
    unearned = unearned_premium(annual_premium_in_force, start, end, cancel_on)
    unpaid = max(ZERO, round_cents(premium_unpaid))
    refund = max(ZERO, min(paid, unearned - unpaid))
    return CancellationRefund(
        refund=refund,
        full_refund=False,
        premium_paid=paid,
        unearned=unearned,
        days_left=days_left,
        days_in_period=days_total,
        reason=Reason(
            "pro_rata",
            f"{annual_premium_in_force:.2f} x {days_left} days left / {days_total} days in the "
            f"period = {unearned:.2f}"
            + (f", less the {unpaid:.2f} not paid, which is cancelled" if unpaid else "")
            + (f", at most the {paid:.2f} paid" if refund == paid < unearned - unpaid else "")
            + "; installment fees are not refunded.",
        ),
    )


def policy_cancellation_refund(**facts) -> Decimal:
    """The refund alone (see `policy_cancellation_breakdown`)."""
    return policy_cancellation_breakdown(**facts).refund


def index_adjusted_limit(limit: Decimal, *, index_then: Decimal, index_now: Decimal) -> Decimal:
    """The insurance value adjustment: follow the index, to the nearest dollar, never lower."""
    return max(limit, round_dollars(limit * index_now / index_then))

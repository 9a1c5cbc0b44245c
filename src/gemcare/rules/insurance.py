"""Personal jewelry insurance: rating, loss settlement and policy changes (RULEBOOK §6).

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


def settle_loss(
    policy: PolicyFacts, loss: LossFacts, item: ScheduledItemFacts | None
) -> LossSettlement:
    if not policy.start <= loss.loss_on < policy.cover_end:
        return _not_covered(
            Reason.of(
                "outside_policy_period",
                date=loss.loss_on,
                start=policy.start,
                end=policy.cover_end,
            )
        )
    exclusion = peril_exclusion(loss.peril, loss.repair)
    if exclusion is not None:
        return _not_covered(exclusion)

    if loss.newly_acquired_on is not None:
        acquired = loss.newly_acquired_on
        if not (
            policy.start <= acquired <= loss.loss_on
            and within_days(loss.loss_on, acquired, NEWLY_ACQUIRED_DAYS)
        ):
            return _not_covered(
                Reason.of("newly_acquired_period_over", acquired=acquired, date=loss.loss_on)
            )
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
) -> LossDeadlines:
    def after(day: dt.date | None, days: int) -> dt.date | None:
        return None if day is None else day + dt.timedelta(days=days)

    appraiser_by = after(appraisal_demanded_on, 20)
    return LossDeadlines(
        proof_of_loss_due=after(proof_requested_on, 90),
        payment_due=after(amount_agreed_on, 30),
        appraiser_named_by=appraiser_by,
        umpire_chosen_by=after(appraiser_by, 15),
        suit_by=add_years(known_on, 1),
    )


# --- policy changes ------------------------------------------------------------------------


def policy_cancellation_refund(
    *,
    premium_paid: Decimal,
    annual_premium_in_force: Decimal,
    start: dt.date,
    end: dt.date,
    cancel_on: dt.date,
    by: str,
    notice_on: dt.date | None = None,
) -> Decimal:
    """The premium returned when a policy is cancelled (RULEBOOK §6.2).

    `premium_paid` is the period's premium less what was already refunded in it (for items
    removed or lost); the insured gets all of it back within 30 days of the start. Later, the
    refund is the unearned part of the annual premium still in force: the annual premiums of
    the items still scheduled, plus any top-up to the minimum premium. Items removed earlier
    were refunded then, and items added mid-term were charged only for the rest of the period,
    so neither is counted twice; the refund never exceeds what was paid.
    """
    if by == INSURER:
        notice_on = notice_on or cancel_on - dt.timedelta(days=INSURER_NOTICE_DAYS)
        if days_between(notice_on, cancel_on) < INSURER_NOTICE_DAYS:
            raise RuleRefusal(
                "notice_too_short",
                f"The insurer must give written notice at least {INSURER_NOTICE_DAYS} days "
                f"before the cancellation takes effect; it was given on {notice_on}.",
            )
    elif within_days(cancel_on, start, FULL_REFUND_DAYS):
        return round_cents(premium_paid)
    unearned = unearned_premium(annual_premium_in_force, start, end, cancel_on)
    return min(round_cents(premium_paid), unearned)


def index_adjusted_limit(limit: Decimal, *, index_then: Decimal, index_now: Decimal) -> Decimal:
    """The insurance value adjustment: follow the index, to the nearest dollar, never lower."""
    return max(limit, round_dollars(limit * index_now / index_then))

"""Cancelling a plan: the refund and the late penalty (RULEBOOK §5 and §5.1).

The state variation that applies is the holder's state at sale; a row that applies "to the
holder only" leaves a provider's cancellation on the base rule. A layaway plan cancelled
before the item is picked up never covered anything: it is void, and refunded in full.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from gemcare.rules.dates import add_years, days_between, within_days
from gemcare.rules.errors import RuleRefusal
from gemcare.rules.money import ZERO, round_cents
from gemcare.rules.products import PlanTerms, StateVariation
from gemcare.rules.reasons import Reason
from gemcare.rules.vocabulary import PROVIDER_CANCELLATION_REASONS

HOLDER = "holder"
PROVIDER = "provider"
DUPLICATE_WARRANTY = "duplicate_warranty"
PROVIDER_NOTICE_DAYS = 30
REFUND_DUE_DAYS = 30
PENALTY_PERIOD_DAYS = 30
PENALTY_RATE = Decimal("0.10")

VOIDED = "voided"
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class CancellationFacts:
    terms: PlanTerms
    state: str  # the holder's state of residence at sale
    plan_price: Decimal
    purchased_on: dt.date
    cancel_on: dt.date
    by: str
    reason: str | None = None
    services_received: Decimal = ZERO  # approved amounts of approved or fulfilled claims
    claims_filed: int = 0  # every claim, denied ones included (California's free look)
    notice_on: dt.date | None = None  # when the provider gave notice
    picked_up: bool = True  # False: a layaway sale whose coverage has not started


@dataclass(frozen=True, slots=True)
class RefundDecision:
    refund: Decimal
    status: str  # the contract's status after the cancellation
    unearned: Decimal
    services_deducted: Decimal
    unearned_factor: Decimal
    days_left: int
    days_total: int
    reasons: tuple[Reason, ...]
    state_rule: str | None = None  # the state whose variation (§5.1) applied, if any


@dataclass(frozen=True, slots=True)
class LatePenalty:
    due_on: dt.date
    days_late: int
    periods: int
    penalty: Decimal
    reason: Reason | None

    @property
    def percent(self) -> int:
        """The penalty as a percentage of the refund: 10 for each started period."""
        return int(PENALTY_RATE * 100) * self.periods


def plan_refund(facts: CancellationFacts) -> RefundDecision:
    if facts.by == PROVIDER:
        _check_provider_cancellation(facts)
    if not facts.picked_up:
        return _full_refund(facts, VOIDED, Reason.of("before_pickup", price=facts.plan_price))
    variation = _variation(facts)
    price = facts.plan_price
    in_free_look = facts.by == HOLDER and _in_free_look(facts, variation)
    status = VOIDED if in_free_look else CANCELLED

    state_rule = facts.state if variation else None
    if facts.by == HOLDER and facts.reason == DUPLICATE_WARRANTY:
        reason = Reason.of(DUPLICATE_WARRANTY, price=price)
        return _full_refund(facts, status, reason, state_rule=state_rule)
    if in_free_look:
        days = _free_look_days(facts.terms, variation)
        reason = Reason.of("free_look", days=days, price=price)
        return _full_refund(facts, status, reason, state_rule=state_rule)

    term_end = add_years(facts.purchased_on, facts.terms.proration_years)
    days_total = days_between(facts.purchased_on, term_end)
    days_left = max(0, days_between(facts.cancel_on, term_end))
    days_left = min(days_left, days_total)
    unearned = price * days_left / days_total
    reasons = [
        Reason.of(
            "prorated",
            days_left=days_left,
            days_total=days_total,
            years=facts.terms.proration_years,
            unearned=round_cents(unearned),
        )
    ]
    factor = variation.unearned_factor if variation else Decimal("1")
    if factor != 1:
        unearned = unearned * factor
        reasons.append(
            Reason.of(
                "state_factor",
                state=facts.state,
                factor_percent=_percent(factor),
                amount=round_cents(unearned),
            )
        )
    deduct = variation.deduct_services if variation else True
    deducted = facts.services_received if deduct else ZERO
    if deduct:
        if facts.services_received:
            reasons.append(Reason.of("services_deducted", services=facts.services_received))
    else:
        reasons.append(Reason.of("services_not_deducted", state=facts.state))
    return RefundDecision(
        refund=round_cents(max(ZERO, unearned - deducted)),
        status=CANCELLED,
        unearned=round_cents(unearned),
        services_deducted=deducted,
        unearned_factor=factor,
        days_left=days_left,
        days_total=days_total,
        reasons=tuple(reasons),
        state_rule=state_rule,
    )


def late_penalty(refund: Decimal, *, cancel_on: dt.date, paid_on: dt.date | None) -> LatePenalty:
    """10% of the refund for each started 30-day period past the due date, not compounded."""
    due_on = cancel_on + dt.timedelta(days=REFUND_DUE_DAYS)
    days_late = 0 if paid_on is None else max(0, days_between(due_on, paid_on))
    periods = math.ceil(days_late / PENALTY_PERIOD_DAYS)
    if periods == 0:
        return LatePenalty(due_on, 0, 0, ZERO, None)
    penalty = round_cents(refund * PENALTY_RATE * periods)
    reason = Reason.of(
        "late_penalty",
        due=due_on,
        days_late=days_late,
        percent=int(PENALTY_RATE * 100) * periods,
        penalty=penalty,
    )
    return LatePenalty(due_on, days_late, periods, penalty, reason)


def _percent(factor: Decimal) -> str:
    percent = factor * 100
    return f"{percent:.0f}" if percent == percent.to_integral_value() else f"{percent:.2f}"


def _check_provider_cancellation(facts: CancellationFacts) -> None:
    if facts.reason not in PROVIDER_CANCELLATION_REASONS:
        raise RuleRefusal(
            "cancellation_reason_not_allowed",
            "The provider may cancel a plan only for non-payment, fraud or misrepresentation.",
        )
    notice_on = facts.notice_on or (facts.cancel_on - dt.timedelta(days=PROVIDER_NOTICE_DAYS))
    if days_between(notice_on, facts.cancel_on) < PROVIDER_NOTICE_DAYS:
        raise RuleRefusal(
            "notice_too_short",
            f"Notice must be given at least {PROVIDER_NOTICE_DAYS} days before the "
            f"cancellation takes effect; it was given on {notice_on}.",
        )


def _variation(facts: CancellationFacts) -> StateVariation | None:
    variation = facts.terms.state_variations.get(facts.state)
    if variation is None or (facts.by == PROVIDER and not variation.applies_to_provider):
        return None
    return variation


def _free_look_days(terms: PlanTerms, variation: StateVariation | None) -> int | None:
    return variation.free_look_days if variation else terms.free_look_days


def _in_free_look(facts: CancellationFacts, variation: StateVariation | None) -> bool:
    days = _free_look_days(facts.terms, variation)
    if days is None or not within_days(facts.cancel_on, facts.purchased_on, days):
        return False
    if variation is not None and variation.free_look_requires_no_claim:
        return facts.claims_filed == 0
    return facts.services_received == ZERO


def _full_refund(
    facts: CancellationFacts, status: str, reason: Reason, *, state_rule: str | None = None
) -> RefundDecision:
    return RefundDecision(
        refund=round_cents(facts.plan_price),
        status=status,
        unearned=round_cents(facts.plan_price),
        services_deducted=ZERO,
        unearned_factor=Decimal("1"),
        days_left=0,
        days_total=0,
        reasons=(reason,),
        state_rule=state_rule,
    )

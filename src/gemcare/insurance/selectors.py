"""Reading insurance records: policies, their schedule, the premium in force, open deadlines.

Policies are the provider's records: provider staff and the system see them all, a verified
policyholder their own policy alone. A retailer or a plan holder is told a policy does not
exist, exactly as for a number never issued.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, QuerySet, Sum

from gemcare.catalog.selectors import insurance_rating_of
from gemcare.common.callers import Caller, caller_required
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, NotFound, Refused, translate_rule_errors
from gemcare.insurance.deadlines import Deadline
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import (
    Loss,
    NewlyAcquiredItem,
    Policy,
    PolicyCancellation,
    PolicyCancellationNotice,
    PolicyEvent,
    PolicyPayment,
    PolicyRenewalOffer,
    ScheduledItem,
    ValueIndex,
)
from gemcare.rules.insurance import INSURED, CancellationRefund, policy_cancellation_breakdown
from gemcare.rules.insurance_lifecycle import InstallmentLine, installment_schedule, premium_paid
from gemcare.rules.money import ZERO


def _sees_policies(caller: Caller) -> bool:
    caller_required(caller)
    return caller.is_provider


def policies_visible(*, caller: Caller) -> QuerySet[Policy]:
    """The policies the caller may see: all of them for the provider, a policyholder's own,
    none for anyone else."""
    if _sees_policies(caller):
        return Policy.objects.all()
    if caller.is_policyholder:
        return Policy.objects.filter(pk=caller.policy_id)
    return Policy.objects.none()


def policy_get(*, caller: Caller, number: str) -> Policy:
    policy = (
        policies_visible(caller=caller)
        .select_related("rating_version__product")
        .filter(number=number)
        .first()
        # No number holds a NUL, and PostgreSQL refuses one in a query's text outright.
        if isinstance(number, str) and "\x00" not in number
        else None
    )
    if policy is None:
        raise NotFound("policy", number)
    return policy


def policy_items(*, policy: Policy, include_removed: bool = False) -> QuerySet[ScheduledItem]:
    items = ScheduledItem.objects.filter(policy=policy)
    if not include_removed:
        items = items.filter(status=ScheduledItem.SCHEDULED)
    return items.order_by("id")


def policy_premium_in_force(*, policy: Policy) -> Decimal:
    """The current period's written premium less every refund already made in it.

    Before a cancellation this is what a cancellation refunds from (the rulebook's "premium
    still in force": written premium less the unearned premium returned for removed items);
    after one it is the premium the insurer keeps. Installment fees are never part of it.
    """
    totals = PolicyEvent.objects.filter(policy=policy, period_start=policy.period_start).aggregate(
        written=Sum("premium"), refunded=Sum("refund")
    )
    return (totals["written"] or ZERO) - (totals["refunded"] or ZERO)


def policy_periods(*, policy: Policy) -> list[tuple[dt.date, dt.date]]:
    """Every period the policy has run, oldest first, as (start, first day not covered)."""
    starts = [policy.inception_on] + [
        renewal.period_start for renewal in policy.renewals.order_by("period_start")
    ]
    return list(zip(starts, [*starts[1:], policy.period_end], strict=True))


def loss_deadlines_open(*, caller: Caller, on: dt.date) -> QuerySet[Loss]:
    """Losses with a deadline on or after `on`, for the deadline board."""
    losses = Loss.objects.all() if _sees_policies(caller) else Loss.objects.none()
    return (
        losses.select_related("policy", "item")
        .filter(
            Q(proof_of_loss_due__gte=on)
            | Q(payment_due__gte=on)
            | Q(appraiser_named_by__gte=on)
            | Q(umpire_chosen_by__gte=on)
            | Q(suit_by__gte=on)
        )
        .order_by("suit_by", "id")
    )


# --- billing -----------------------------------------------------------------------------------

# How far ahead the deadlines show an installment coming due.
INSTALLMENT_LOOKAHEAD_DAYS = 31


@dataclass(frozen=True, slots=True)
class Installment:
    """One line of a period's billing, as the pages show it."""

    number: int
    due_on: dt.date
    premium: Decimal
    fee: Decimal
    amount: Decimal
    paid: Decimal
    unpaid: Decimal
    status: str  # paid, due, overdue, cancelled
    endorsement: bool


def _period_written(policy: Policy, period_start: dt.date) -> Decimal:
    """The premium written when the period began (the bind or the renewal)."""
    event = (
        PolicyEvent.objects.filter(
            policy=policy,
            period_start=period_start,
            kind__in=[PolicyEvent.BOUND, PolicyEvent.RENEWED],
        )
        .order_by("id")
        .first()
    )
    return event.premium if event is not None else policy.premium


def _period_adjustments(policy: Policy, period_start: dt.date) -> list[tuple[dt.date, Decimal]]:
    """Every change to the period's premium after it began: endorsements and the refunds of
    items lost, each on its date (a cancellation ends the billing instead)."""
    events = PolicyEvent.objects.filter(
        policy=policy, period_start=period_start, kind__in=PolicyEvent.ENDORSEMENTS
    )
    return [(event.on, event.premium - event.refund) for event in events.order_by("on", "id")]


def policy_paid(*, policy: Policy, period_start: dt.date | None = None) -> Decimal:
    """Everything received for the period (the current one by default)."""
    period_start = period_start or policy.period_start
    total = PolicyPayment.objects.filter(policy=policy, period_start=period_start).aggregate(
        total=Sum("amount")
    )["total"]
    return total or ZERO


def policy_billing_lines(
    *, policy: Policy, period_start: dt.date | None = None
) -> list[InstallmentLine]:
    """The period's amounts due with what was paid on each (the rules' own lines). A policy
    whose payments are not tracked here (`payments_tracked`) has paid each line."""
    period_start = period_start or policy.period_start
    rating = insurance_rating_of(policy.rating_version)
    terms = {
        "start": period_start,
        "premium": _period_written(policy, period_start),
        "installments": policy.installments,
        "fee": rating.installment_fee,
        "adjustments": _period_adjustments(policy, period_start),
    }
    if not payments_tracked(policy=policy, period_start=period_start):
        owed = sum((line.amount for line in installment_schedule(**terms)), ZERO)
        return installment_schedule(**terms, paid=owed)
    return installment_schedule(**terms, paid=policy_paid(policy=policy, period_start=period_start))


def payments_tracked(*, policy: Policy, period_start: dt.date | None = None) -> bool:
    """Whether what the policy was paid is what is recorded here: a policy billed here, or
    one with a payment recorded for the period. A policy bound elsewhere with none (the
    scenario runner's) counts its premium as paid: RULEBOOK 6.2 limits a refund to what was
    paid only "where payments are recorded"."""
    if policy.billed_here:
        return True
    period_start = period_start or policy.period_start
    return PolicyPayment.objects.filter(policy=policy, period_start=period_start).exists()


def _cancelled_on(policy: Policy, period_start: dt.date) -> dt.date | None:
    if policy.status != Policy.CANCELLED or period_start != policy.period_start:
        return None
    return policy.cancellation.cancel_on


def policy_installments(policy: Policy, *, on: dt.date | None = None) -> list[Installment]:
    """The current period's installment schedule: due dates, amounts (with the fee), what was
    paid on each and whether it is paid, due, overdue (on `on`, today by default) or
    cancelled (not yet due when the policy was cancelled: cancelled, not refunded)."""
    on = on or today()
    cancelled_on = _cancelled_on(policy, policy.period_start)
    rows = []
    for line in policy_billing_lines(policy=policy):
        if line.is_paid:
            status = "paid"
        elif cancelled_on is not None and line.due_on >= cancelled_on:
            status = "cancelled"
        elif line.due_on < on:
            status = "overdue"
        else:
            status = "due"
        rows.append(
            Installment(
                number=line.number,
                due_on=line.due_on,
                premium=line.premium,
                fee=line.fee,
                amount=line.amount,
                paid=line.paid,
                unpaid=line.unpaid,
                status=status,
                endorsement=line.endorsement,
            )
        )
    return rows


def policy_overdue(*, policy: Policy, on: dt.date) -> Decimal:
    """What fell due before `on` in the current period and is still unpaid."""
    return sum(
        (line.unpaid for line in policy_billing_lines(policy=policy) if line.due_on < on), ZERO
    )


def policy_premium_paid(*, policy: Policy) -> Decimal:
    """The premium a cancellation refunds from: the premium still in force, or less when
    payments are recorded and cover less of it (installment fees are never refunded)."""
    in_force = policy_premium_in_force(policy=policy)
    if not payments_tracked(policy=policy):
        return in_force
    return min(in_force, premium_paid(policy_billing_lines(policy=policy)))


# --- cancellation ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CancellationPreview:
    """What a cancellation would give, shown before it is confirmed; nothing is written."""

    policy_number: str
    cancel_on: dt.date
    by: str
    notice_on: dt.date | None
    premium_in_force: Decimal
    annual_premium_in_force: Decimal
    breakdown: CancellationRefund
    installments_cancelled: tuple[Installment, ...]

    @property
    def refund(self) -> Decimal:
        return self.breakdown.refund


def _latest_change_on(policy: Policy) -> dt.date | None:
    """The last date something happened to the policy in its current period."""
    events = policy.events.filter(period_start=policy.period_start).aggregate(on=Max("on"))["on"]
    losses = policy.losses.filter(loss_on__gte=policy.period_start).aggregate(on=Max("loss_on"))
    dates = [day for day in (events, losses["on"]) if day is not None]
    return max(dates) if dates else None


def cancellation_figured(
    *, caller: Caller, policy: Policy, cancel_on: dt.date, by: str, notice_on: dt.date | None
) -> CancellationPreview:
    """Check a cancellation against the policy and figure its refund (RULEBOOK §6.2).

    Either side may date a cancellation ahead (the insured's request, the insurer's notice),
    never past the period; a policyholder cancels from today on, staff may record one already
    made. It comes after everything already recorded in the period: its refund is computed
    from them.
    """
    if not policy.is_active:
        raise Refused(
            InsuranceError.POLICY_NOT_ACTIVE,
            f"Policy {policy.number} is {policy.get_status_display().lower()}.",
        )
    if caller.is_policyholder and (by != INSURED or cancel_on < today()):
        raise InvalidInput(
            "cancel_on",
            cancel_on,
            "must be today or a later day of the period",
            code=InsuranceError.NOT_IN_PERIOD,
        )
    if not policy.period_start <= cancel_on <= policy.period_end:
        raise InvalidInput(
            "cancel_on",
            cancel_on,
            f"must fall in the policy period {policy.period_start} to {policy.period_end}",
            code=InsuranceError.NOT_IN_PERIOD,
        )
    if by == INSURED and cancel_on > today():
        _check_paid_cover(policy, cancel_on)
    latest = _latest_change_on(policy)
    if latest is not None and cancel_on < latest:
        raise Refused(
            InsuranceError.OUT_OF_ORDER,
            f"The cancellation on {cancel_on} is dated before a change or loss already "
            f"recorded on {latest}.",
        )
    in_force = policy_premium_in_force(policy=policy)
    annual_in_force = policy.minimum_top_up + sum(
        (item.premium for item in policy_items(policy=policy)), ZERO
    )
    paid = policy_premium_paid(policy=policy)
    with translate_rule_errors():
        breakdown = policy_cancellation_breakdown(
            premium_paid=paid,
            premium_unpaid=in_force - paid,
            annual_premium_in_force=annual_in_force,
            start=policy.period_start,
            end=policy.period_end,
            cancel_on=cancel_on,
            by=by,
            notice_on=notice_on,
        )
    cancelled = tuple(
        line
        for line in policy_installments(policy, on=cancel_on)
        if line.due_on >= cancel_on and line.unpaid
    )
    return CancellationPreview(
        policy_number=policy.number,
        cancel_on=cancel_on,
        by=by,
        notice_on=notice_on,
        premium_in_force=in_force,
        annual_premium_in_force=annual_in_force,
        breakdown=breakdown,
        installments_cancelled=cancelled,
    )


def _check_paid_cover(policy: Policy, cancel_on: dt.date) -> None:
    """An insured's cancellation from a day ahead keeps the policy in force until then, and a
    cancelled policy gets no notice for non-payment: dated past the first installment left
    unpaid, it would be cover nobody pays for. So it may run to that installment's due date
    at the latest (cancelling from today is always possible)."""
    unpaid = next((line for line in policy_billing_lines(policy=policy) if not line.is_paid), None)
    if unpaid is not None and cancel_on > unpaid.due_on:
        latest = max(unpaid.due_on, today())
        raise Refused(
            InsuranceError.CANCELLATION_PAST_PAID_COVER,
            f"The cover is paid until {unpaid.due_on}: an insured's cancellation may be dated "
            f"{latest} at the latest, unless the amount due then is paid first.",
        )


def policy_cancel_preview(*, caller: Caller, policy: Policy, data) -> CancellationPreview:
    """The refund a cancellation (`PolicyCancelIn`) would give, step by step; writes nothing.
    Refused exactly as the cancellation itself would be."""
    caller_required(caller)
    policy = policy_get(caller=caller, number=getattr(policy, "number", None))
    return cancellation_figured(
        caller=caller,
        policy=policy,
        cancel_on=data.cancel_on,
        by=data.by,
        notice_on=data.notice_on,
    )


# --- the value index ---------------------------------------------------------------------------


def value_index_on(day: dt.date) -> ValueIndex | None:
    """The value index in force on `day`: the latest recorded from that day or before."""
    return ValueIndex.objects.filter(effective_on__lte=day).order_by("-effective_on").first()


def money_words(amount: Decimal | None) -> str:
    """An amount as the pages and deadlines say it: 1,234.50 (empty for none)."""
    return f"{amount:,.2f}" if amount is not None else ""


# --- deadlines ---------------------------------------------------------------------------------


def policy_deadlines(
    *, caller: Caller, on: dt.date, policy: Policy | None = None
) -> list[Deadline]:
    """The policies' own deadlines still open on `on`, by due date: cancellations taking
    effect (the insurer's notice for non-payment, or one already recorded), renewal offers
    awaiting payment (due the period's last day, after which the policy expires), newly
    acquired items whose automatic cover ends, and installments due within a month or
    already overdue."""
    policies = policies_visible(caller=caller)
    if policy is not None:
        policies = policies.filter(pk=policy.pk)
    deadlines: list[Deadline] = []
    for notice in PolicyCancellationNotice.objects.filter(
        policy__in=policies, status=PolicyCancellationNotice.PENDING
    ).select_related("policy"):
        deadlines.append(
            Deadline(
                kind="cancellation_notice",
                due_on=notice.cancel_on,
                policy_number=notice.policy.number,
                what=f"Cancelled for non-payment on {notice.cancel_on} unless "
                f"{money_words(notice.amount_due)} is paid before then.",
            )
        )
    for cancellation in PolicyCancellation.objects.filter(
        policy__in=policies, cancel_on__gte=on
    ).select_related("policy"):
        deadlines.append(
            Deadline(
                kind="cancellation",
                due_on=cancellation.cancel_on,
                policy_number=cancellation.policy.number,
                what=f"Cancellation by the {cancellation.by} takes effect.",
            )
        )
    for offer in PolicyRenewalOffer.objects.filter(
        policy__in=policies, status=PolicyRenewalOffer.OPEN, policy__status=Policy.ACTIVE
    ).select_related("policy"):
        deadlines.append(
            Deadline(
                kind="renewal_offer",
                due_on=offer.period_start - dt.timedelta(days=1),
                policy_number=offer.policy.number,
                what=f"Renewal offered: pay {money_words(offer.first_payment)} by then, or the "
                f"policy expires on {offer.period_start}.",
            )
        )
    for acquired in NewlyAcquiredItem.objects.filter(
        policy__in=policies,
        policy__status=Policy.ACTIVE,
        scheduled_item__isnull=True,
        cover_ends_on__gte=on,
    ).select_related("policy"):
        deadlines.append(
            Deadline(
                kind="newly_acquired_cover",
                due_on=acquired.cover_ends_on,
                policy_number=acquired.policy.number,
                what=f"Cover of the newly acquired {acquired.kind} ends: schedule it before.",
            )
        )
    horizon = on + dt.timedelta(days=INSTALLMENT_LOOKAHEAD_DAYS)
    for active in policies.filter(status=Policy.ACTIVE).select_related("rating_version"):
        for line in policy_billing_lines(policy=active):
            if line.is_paid or line.due_on > horizon:
                continue
            late = line.due_on < on
            deadlines.append(
                Deadline(
                    kind="installment_overdue" if late else "installment_due",
                    due_on=line.due_on,
                    policy_number=active.number,
                    what=f"Payment {line.number} of {money_words(line.unpaid)} "
                    + ("overdue." if late else "due."),
                )
            )
    deadlines.sort(key=lambda deadline: (deadline.due_on, deadline.policy_number, deadline.kind))
    return deadlines

"""Billing: payments received, and the insurer's cancellation when one is missed (RULEBOOK §6.2).

The amounts due are not stored: they follow from the period's premium, its installments and
its endorsements (`selectors.policy_installments`), so an endorsement never leaves a stored
schedule out of date. What is stored is money received (`PolicyPayment`, append-only) and
the insurer's written notice (`PolicyCancellationNotice`).

Money received is the provider's own record: its staff enter it in the back office (later, a
payment processor's confirmed callback will too). A policyholder is refused (`not_allowed`):
the platform takes no payment from them, and a payer's say-so that they paid would otherwise
withdraw a notice of cancellation or accept a renewal with nothing received.

A payment pays what is already due first; what is left goes to an open renewal offer (which
paying its first amount accepts), then to the current period's installments still ahead.
More than all of that is refused rather than held as a credit nobody asked for.

A missed payment (an amount unpaid after its due date) starts the insurer's cancellation:
written notice the day the daily policy work finds it, the cancellation taking effect ten
days later (RULEBOOK §6.2: at least ten days). Paying everything overdue before that day
withdraws the notice; otherwise the daily work carries it out on its day.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, Refused
from gemcare.insurance import selectors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import (
    Policy,
    PolicyCancellationNotice,
    PolicyPayment,
    PolicyRenewalOffer,
)
from gemcare.insurance.schemas import PolicyPaymentIn
from gemcare.insurance.services._common import money_text, policy_locked, policy_require_active
from gemcare.insurance.services.notices import cancellation_notice_send
from gemcare.rules.insurance import INSURER, INSURER_NOTICE_DAYS
from gemcare.rules.insurance_lifecycle import installment_schedule
from gemcare.rules.money import ZERO


@dataclass(frozen=True)
class PaymentRecorded:
    """What a payment did: the rows it wrote (one per period it paid for), and whether it
    withdrew a notice of cancellation or accepted a renewal offer."""

    payments: tuple[PolicyPayment, ...]
    notice_withdrawn: bool
    renewal_accepted: bool

    @property
    def amount(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), ZERO)


def offer_total(offer: PolicyRenewalOffer, policy: Policy) -> Decimal:
    """Everything the offered period costs, with the installment fees."""
    from gemcare.catalog.selectors import insurance_rating_of

    lines = installment_schedule(
        start=offer.period_start,
        premium=offer.premium,
        installments=policy.installments,
        fee=insurance_rating_of(offer.rating_version).installment_fee,
    )
    return sum((line.amount for line in lines), ZERO)


def _paid_for(policy: Policy, period_start: dt.date) -> Decimal:
    total = PolicyPayment.objects.filter(policy=policy, period_start=period_start).aggregate(
        total=Sum("amount")
    )["total"]
    return total or ZERO


def _check_date(policy: Policy, paid_on: dt.date) -> None:
    if paid_on < policy.inception_on:
        raise InvalidInput(
            "paid_on",
            paid_on,
            f"is before the policy began on {policy.inception_on}",
            code=InsuranceError.NOT_IN_PERIOD,
        )
    latest = policy.payments.aggregate(on=Max("paid_on"))["on"]
    if latest is not None and paid_on < latest:
        raise Refused(
            InsuranceError.OUT_OF_ORDER,
            f"The payment on {paid_on} is dated before a payment already recorded on {latest}.",
        )


@transaction.atomic
def policy_payment_record(
    *, caller: Caller, policy: Policy, data: PolicyPaymentIn
) -> PaymentRecorded:
    """Record money the provider received: it pays what is due, accepts an open renewal offer
    once the offer's first amount is paid, and withdraws a pending notice of cancellation when
    nothing due is left unpaid before the notice takes effect. The provider's staff (or the
    system, for a confirmed callback) only: a policyholder is refused `not_allowed`."""
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    _check_date(policy, data.paid_on)
    lines = selectors.policy_billing_lines(policy=policy)
    due_now = sum((line.unpaid for line in lines if line.due_on <= data.paid_on), ZERO)
    ahead = sum((line.unpaid for line in lines if line.due_on > data.paid_on), ZERO)
    offer = policy.renewal_offers.filter(status__in=[PolicyRenewalOffer.OPEN]).first()
    accepted = policy.renewal_offers.filter(status=PolicyRenewalOffer.ACCEPTED).first()
    renewal = offer or accepted
    renewal_room = ZERO
    if renewal is not None:
        renewal_room = max(
            ZERO, offer_total(renewal, policy) - _paid_for(policy, renewal.period_start)
        )
    left = data.amount
    current = min(left, due_now)
    left -= current
    to_renewal = min(left, renewal_room)
    left -= to_renewal
    ahead_part = min(left, ahead)
    left -= ahead_part
    current += ahead_part
    if left > ZERO:
        raise InvalidInput(
            "amount",
            data.amount,
            f"is more than the {money_text(data.amount - left)} the policy still owes",
            code=InsuranceError.PAYMENT_MORE_THAN_DUE,
        )
    payments = []
    for period_start, amount in (
        (policy.period_start, current),
        (renewal.period_start if renewal else None, to_renewal),
    ):
        if amount > ZERO:
            payments.append(
                PolicyPayment.objects.create(
                    policy=policy,
                    period_start=period_start,
                    paid_on=data.paid_on,
                    amount=amount,
                    reference=data.reference,
                )
            )
    renewal_accepted = False
    if offer is not None and _paid_for(policy, offer.period_start) >= offer.first_payment:
        offer.status, offer.accepted_on = PolicyRenewalOffer.ACCEPTED, data.paid_on
        offer.save(update_fields=["status", "accepted_on"])
        renewal_accepted = True
    notice_withdrawn = _notice_withdraw_if_paid(policy, paid_on=data.paid_on)
    audit_record(
        caller=caller,
        action="policy_payment_recorded",
        entity=policy,
        data={
            "paid_on": data.paid_on.isoformat(),
            "amount": money_text(data.amount),
            "periods": {p.period_start.isoformat(): money_text(p.amount) for p in payments},
            "renewal_accepted": renewal_accepted,
            "notice_withdrawn": notice_withdrawn,
        },
    )
    return PaymentRecorded(tuple(payments), notice_withdrawn, renewal_accepted)


def _notice_withdraw_if_paid(policy: Policy, *, paid_on: dt.date) -> bool:
    notice = policy.notices.filter(status=PolicyCancellationNotice.PENDING).first()
    if notice is None or paid_on >= notice.cancel_on:
        return False
    if selectors.policy_overdue(policy=policy, on=paid_on + dt.timedelta(days=1)) > ZERO:
        return False
    _notice_close(notice, PolicyCancellationNotice.WITHDRAWN, on=paid_on)
    return True


def _notice_close(notice: PolicyCancellationNotice, status: str, *, on: dt.date) -> None:
    if status not in PolicyCancellationNotice.TRANSITIONS[notice.status]:
        raise Refused(
            InsuranceError.NOTICE_PENDING,
            f"The notice of {notice.notice_on} is {notice.get_status_display().lower()}.",
        )
    notice.status, notice.closed_on = status, on
    notice.save(update_fields=["status", "closed_on"])


@transaction.atomic
def policy_insurer_cancel_for_nonpayment(
    *, caller: Caller, policy: Policy, on: dt.date
) -> PolicyCancellationNotice:
    """Give the insurer's written notice, on `on`, that the policy is cancelled for a missed
    payment ten days later unless everything overdue is paid before then."""
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    if policy.notices.filter(status=PolicyCancellationNotice.PENDING).exists():
        raise Refused(InsuranceError.NOTICE_PENDING, InsuranceError.NOTICE_PENDING.words)
    amount_due = selectors.policy_overdue(policy=policy, on=on)
    if amount_due <= ZERO:
        raise Refused(
            InsuranceError.NOTHING_OVERDUE,
            f"Nothing due on policy {policy.number} before {on} is unpaid.",
        )
    cancel_on = on + dt.timedelta(days=INSURER_NOTICE_DAYS)
    if cancel_on > policy.period_end:
        raise Refused(
            InsuranceError.NOT_IN_PERIOD,
            f"Ten days' notice from {on} runs past the period's end, {policy.period_end}: "
            "the policy expires then unless renewed.",
        )
    notice = PolicyCancellationNotice.objects.create(
        policy=policy, notice_on=on, cancel_on=cancel_on, amount_due=amount_due
    )
    cancellation_notice_send(notice)
    audit_record(
        caller=caller,
        action="policy_cancellation_notice_given",
        entity=policy,
        data={
            "notice_on": on.isoformat(),
            "cancel_on": cancel_on.isoformat(),
            "amount_due": money_text(amount_due),
        },
    )
    return notice


@transaction.atomic
def policy_cancellation_notice_carry_out(
    *, caller: Caller, policy: Policy, on: dt.date
) -> PolicyCancellationNotice:
    """Carry out the pending notice whose day has come: the insurer's cancellation, pro rata
    from what was paid (RULEBOOK §6.2), the installments not yet due cancelled."""
    from gemcare.insurance.services.changes import cancellation_write

    policy = policy_locked(caller, policy)
    notice = policy.notices.filter(status=PolicyCancellationNotice.PENDING).first()
    if notice is None or notice.cancel_on > on:
        raise Refused(
            InsuranceError.POLICY_NOT_ACTIVE,
            f"No notice of cancellation on policy {policy.number} takes effect by {on}.",
        )
    figures = selectors.cancellation_figured(
        caller=caller,
        policy=policy,
        cancel_on=notice.cancel_on,
        by=INSURER,
        notice_on=notice.notice_on,
    )
    cancellation_write(caller=caller, policy=policy, figures=figures)
    _notice_close(notice, PolicyCancellationNotice.CARRIED_OUT, on=notice.cancel_on)
    return notice

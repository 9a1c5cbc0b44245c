"""How a policyholder pays their policy (`/my-policy/<number>/pay`): a page to read, nothing
to submit.

The platform takes no payment. Money received is recorded by the provider's staff in the
back office (`policy_payment_record`; later also a payment processor's confirmed callback),
never on the payer's own say-so: a payment typed in by the policyholder would withdraw a
notice of cancellation for non-payment, or accept a renewal, with nothing received. So the
page answers GET alone (a POST is 405) and shows what the policyholder needs to pay: what is
due now with its due dates, the installments still ahead, an open renewal offer's first
payment and the day it must be received before, a pending notice of cancellation, the
provider's payment instructions (`GEMCARE_PROVIDER_PAYMENT_INSTRUCTIONS`), and the payments
already received, where a new one shows once the provider records it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gemcare.common.clock import today
from gemcare.insurance.models import (
    Policy,
    PolicyCancellationNotice,
    PolicyPayment,
    PolicyRenewalOffer,
)
from gemcare.insurance.selectors import Installment, policy_installments
from gemcare.portals.office.insurance.policy_selectors import policy_of
from gemcare.portals.web.access import policyholder_required
from gemcare.rules.money import ZERO


@dataclass(frozen=True, slots=True)
class PaymentsDue:
    """What the page shows, read for a policy the policyholder's caller has already fetched.

    `due_now` is every amount due by today and still unpaid (overdue first, by due date);
    `ahead` the installments of the period still to fall due. Installments cancelled with
    the policy are owed by no one and appear in neither.
    """

    on: dt.date
    due_now: tuple[Installment, ...]
    ahead: tuple[Installment, ...]
    offer: PolicyRenewalOffer | None
    notice: PolicyCancellationNotice | None
    received: tuple[PolicyPayment, ...]

    @property
    def due_now_total(self) -> Decimal:
        return sum((line.unpaid for line in self.due_now), ZERO)

    @property
    def to_accept_offer(self) -> Decimal | None:
        """What accepts the open offer if received today: a payment pays what is due on the
        current period first, then the offer's first amount."""
        if self.offer is None:
            return None
        return self.due_now_total + self.offer.first_payment


def payments_due(policy: Policy, *, on: dt.date) -> PaymentsDue:
    owed = [
        line
        for line in policy_installments(policy, on=on)
        if line.unpaid > ZERO and line.status != "cancelled"
    ]
    return PaymentsDue(
        on=on,
        due_now=tuple(line for line in owed if line.due_on <= on),
        ahead=tuple(line for line in owed if line.due_on > on),
        offer=policy.renewal_offers.filter(status=PolicyRenewalOffer.OPEN).first(),
        notice=policy.notices.filter(status=PolicyCancellationNotice.PENDING).first(),
        received=tuple(
            policy.payments.filter(period_start__gte=policy.period_start).order_by(
                "-paid_on", "-id"
            )
        ),
    )


@require_safe
@policyholder_required
def policy_pay(request: HttpRequest, number: str) -> HttpResponse:
    policy = policy_of(caller=request.caller, number=number)
    context = {
        "policy": policy,
        "due": payments_due(policy, on=today()),
        "instructions": settings.GEMCARE_PROVIDER_PAYMENT_INSTRUCTIONS,
    }
    return render(request, "portals/customer/insurance/policy_pay.html", context)

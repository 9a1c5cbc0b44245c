"""The emails the jeweler portal's changes send: each rendered in the change's transaction
and sent by the task worker after it commits (gemcare.common.email), never for a change that
rolled back. A holder without an email gets none (the counter hands over the certificate).
"""

from django.conf import settings

from gemcare.common.callers import Caller
from gemcare.common.email import Attachment, email_send
from gemcare.contracts.certificates import certificate_pdf, covered_through, verification_url
from gemcare.contracts.certificates import verification_code as certificate_code
from gemcare.contracts.models import Cancellation, Contract
from gemcare.rules.refunds import PENALTY_PERIOD_DAYS, PENALTY_RATE


def plan_confirmation_send(*, caller: Caller, contract: Contract, name: str, email: str) -> bool:
    """The confirmation of a sale, with the certificate attached, to the buyer (for a gift,
    the buyer, who gives the certificate with it). False when there is no address."""
    if not email:
        return False
    pdf = certificate_pdf(caller=caller, number=contract.number, is_test=contract.is_test)
    code = certificate_code(contract.number)
    email_send(
        to=email,
        template="plan_confirmation",
        context={
            "name": name,
            "number": contract.number,
            "product": contract.product_version.name,
            "item_kind": contract.item_kind,
            "item_description": contract.item_description,
            "plan_price": contract.plan_price,
            "purchased_on": contract.purchased_on,
            "covered_through": covered_through(contract),
            "pending_pickup": contract.status == "pending_pickup",
            "store": contract.store.name,
            "retailer": contract.store.retailer.name,
            "verification_code": code,
            "verification_url": verification_url(code),
        },
        attachments=[Attachment(f"certificate-{contract.number}.pdf", pdf, "application/pdf")],
    )
    return True


def refund_notice_send(*, cancellation: Cancellation) -> bool:
    """To the holder, when a plan is cancelled or returned at the counter: the refund, when
    it is due, and what a late payment adds. False when the holder has no email."""
    contract = cancellation.contract
    holder = contract.holder
    if not holder.email:
        return False
    email_send(
        to=holder.email,
        template="refund_notice",
        context={
            "name": holder.name,
            "number": contract.number,
            "product": contract.product_version.name,
            "status": contract.status,
            "cancelled_on": cancellation.cancel_on,
            "refund": cancellation.refund,
            "due_on": cancellation.due_on,
            "explanation": list(cancellation.explanation),
            "penalty_percent": int(PENALTY_RATE * 100),
            "penalty_period_days": PENALTY_PERIOD_DAYS,
            "retailer": contract.store.retailer.name,
        },
    )
    return True


def staff_invitation_send(*, user, retailer_name: str, link: str, invited_by: str) -> None:
    """The link a new staff member chooses their password with (it works once, for
    PASSWORD_RESET_TIMEOUT)."""
    email_send(
        to=user.email,
        template="staff_invitation",
        context={
            "name": user.first_name or user.get_username(),
            "username": user.get_username(),
            "retailer": retailer_name,
            "link": link,
            "invited_by": invited_by,
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )

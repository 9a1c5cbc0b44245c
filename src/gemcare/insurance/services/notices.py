"""The emails the policy services send, each to every named insured with an email.

Each is rendered in the change's transaction and sent after it commits
(`gemcare.common.email`), never for a change that rolled back. The declarations page is the
exception: its PDF is drawn by a task once the change has committed (gemcare.insurance.tasks).
"""

import base64
from decimal import Decimal

from django.db import transaction

from gemcare.common.email import Attachment, email_deliver, email_render, email_send
from gemcare.insurance.models import (
    NewlyAcquiredItem,
    Policy,
    PolicyCancellationNotice,
    PolicyRenewalOffer,
)

BIND = "bind"
ENDORSEMENT = "endorsement"
RENEWAL = "renewal"
REASONS = (BIND, ENDORSEMENT, RENEWAL)


def _recipients(policy: Policy) -> list[tuple[str, str]]:
    return [
        (insured.name, insured.email)
        for insured in policy.named_insureds.order_by("id")
        if insured.email
    ]


def _send(policy: Policy, template: str, context: dict) -> int:
    sent = 0
    for name, address in _recipients(policy):
        email_send(to=address, template=template, context={"name": name, **context})
        sent += 1
    return sent


def declarations_send(policy: Policy, *, reason: str) -> None:
    """Email the declarations page once the change commits (nothing if it rolls back)."""
    if reason not in REASONS:
        raise ValueError(f"reason is one of {REASONS}")
    if not _recipients(policy):
        return
    from gemcare.insurance.tasks import policy_declarations_email_task

    policy_id = policy.pk
    transaction.on_commit(
        lambda: policy_declarations_email_task.enqueue(policy_id=policy_id, reason=reason),
        robust=True,
    )


def declarations_email(*, policy_id: int, reason: str) -> int:
    """Draw the declarations page and send it; the number of emails sent."""
    from gemcare.insurance.declarations import declarations_pdf

    policy = Policy.objects.filter(pk=policy_id).select_related("rating_version__product").first()
    if policy is None:
        return 0
    recipients = _recipients(policy)
    if not recipients:
        return 0
    pdf = declarations_pdf(policy)
    sent = 0
    for name, address in recipients:
        subject, text, html = email_render(
            "policy_declarations",
            {
                "name": name,
                "reason": reason,
                "number": policy.number,
                "period_start": policy.period_start,
                "period_end": policy.period_end,
                "premium": policy.premium,
                "installments": policy.installments,
                "installment": policy.installment,
                "item_count": policy.items.filter(status="scheduled").count(),
            },
        )
        attachment = Attachment(f"declarations-{policy.number}.pdf", pdf, "application/pdf")
        sent += email_deliver(
            {
                "to": [address],
                "subject": subject,
                "text": text,
                "html": html,
                "attachments": [
                    {
                        "filename": attachment.filename,
                        "content": base64.b64encode(attachment.content).decode("ascii"),
                        "mimetype": attachment.mimetype,
                    }
                ],
            }
        )
    return sent


def cancellation_notice_send(notice: PolicyCancellationNotice) -> int:
    """The insurer's written notice of cancellation for non-payment."""
    return _send(
        notice.policy,
        "policy_cancellation_notice",
        {
            "number": notice.policy.number,
            "amount_due": notice.amount_due,
            "cancel_on": notice.cancel_on,
        },
    )


def renewal_offer_send(offer: PolicyRenewalOffer) -> int:
    policy = offer.policy
    previous = {item.ref: item.limit for item in policy.items.filter(status="scheduled")}
    items = []
    for ref, terms in offer.terms.items():
        limit = Decimal(terms["limit"])
        items.append(
            {
                "ref": ref,
                "limit": limit,
                "previous": previous.get(ref),
                "raised": ref in previous and previous[ref] != limit,
            }
        )
    return _send(
        policy,
        "policy_renewal_offer",
        {
            "number": policy.number,
            "period_start": offer.period_start,
            "premium": offer.premium,
            "installments": policy.installments,
            "installment": offer.installment,
            "first_payment": offer.first_payment,
            "items": items,
        },
    )


def newly_acquired_reminder_send(acquired: NewlyAcquiredItem) -> int:
    return _send(
        acquired.policy,
        "policy_newly_acquired_reminder",
        {
            "number": acquired.policy.number,
            "kind": acquired.kind,
            "description": acquired.description,
            "acquired_on": acquired.acquired_on,
            "cover_ends_on": acquired.cover_ends_on,
        },
    )

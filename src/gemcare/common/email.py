"""Emails: templated, sent after commit by the task worker, never while a page waits.

`email_send(to=..., template="one_time_code", context={...})` renders
`emails/<template>.subject.txt`, `.txt` and `.html` (all three required: every email has a
plain-text part) and enqueues `email_deliver_task` when the current transaction commits.
A change that rolls back sends nothing; an email is never sent for a change that did not
happen. The task sends through Django's default mailer (settings.MAILERS; EMAIL_BACKEND in
the environment: the console by default, SMTP or any backend in production,
docs/decisions/0020-email-and-uploads.md).

Rendering happens in the caller, inside its transaction: a missing template or a context
that does not render fails the change itself, loudly, rather than a task later. The task's
arguments are the finished message, which the task row keeps: they hold nothing the email
itself does not. Attachments travel in it too (base64), up to EMAIL_ATTACHMENTS_MAX_BYTES
in all; anything larger (a long statement) is to be made by the task from a reference, not
carried in the row.

The worker retries nothing by itself: a send that fails (SMTP down) fails its task, which
the task table shows with its error.
"""

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template import Context
from django.template.loader import get_template

# Text and HTML templates live in the portals app: templates/emails/.
TEMPLATE_DIR = "emails"
MAX_RECIPIENTS = 50


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def _render(name: str, context: dict, *, autoescape: bool) -> str:
    template = get_template(name)
    # Django templates escape HTML by default: right for the HTML part, wrong for text.
    return template.template.render(Context(context, autoescape=autoescape))


def email_render(template: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of an email."""
    subject = _render(f"{TEMPLATE_DIR}/{template}.subject.txt", context, autoescape=False)
    text = _render(f"{TEMPLATE_DIR}/{template}.txt", context, autoescape=False)
    html = _render(f"{TEMPLATE_DIR}/{template}.html", context, autoescape=True)
    # A subject is one line: a header cannot hold a newline.
    return " ".join(subject.split()), text, html


def _recipients(to: str | Iterable[str]) -> list[str]:
    addresses = [to] if isinstance(to, str) else list(to)
    addresses = [address.strip() for address in addresses if address and address.strip()]
    if not addresses:
        raise ValueError("an email needs at least one recipient")
    if len(addresses) > MAX_RECIPIENTS:
        raise ValueError(f"an email goes to at most {MAX_RECIPIENTS} recipients")
    if any("\n" in address or "\r" in address for address in addresses):
        raise ValueError("an address cannot hold a line break")
    return addresses


def _attachments(attachments: Iterable) -> list[dict]:
    found = []
    total = 0
    for item in attachments:
        attachment = item if isinstance(item, Attachment) else Attachment(*item)
        if not isinstance(attachment.content, bytes | bytearray):
            raise TypeError("an attachment's content is bytes")
        total += len(attachment.content)
        found.append(
            {
                "filename": attachment.filename,
                "content": base64.b64encode(attachment.content).decode("ascii"),
                "mimetype": attachment.mimetype,
            }
        )
    if total > settings.EMAIL_ATTACHMENTS_MAX_BYTES:
        raise ValueError(
            f"attachments of {total} bytes: more than EMAIL_ATTACHMENTS_MAX_BYTES; pass a "
            "reference and make the file in the task"
        )
    return found


def email_send(
    *,
    to: str | Sequence[str],
    template: str,
    context: dict,
    attachments: Iterable[Attachment | tuple[str, bytes, str]] = (),
) -> None:
    """Send an email once the current transaction commits (at once, outside one)."""
    subject, text, html = email_render(template, context)
    message = {
        "to": _recipients(to),
        "subject": subject,
        "text": text,
        "html": html,
        "attachments": _attachments(attachments),
    }
    # Robust, as for webhooks: the change is committed whatever happens to the queueing, so
    # a failure there is logged rather than turned into an error page for a change made.
    transaction.on_commit(lambda: email_deliver_task.enqueue(message), robust=True)


def email_deliver(message: dict) -> int:
    """Send one rendered message through the default mailer; the number sent (1)."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message["to"],
    )
    email.attach_alternative(message["html"], "text/html")
    for attachment in message.get("attachments", []):
        email.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment["mimetype"],
        )
    return email.send(using="default")


@task
def email_deliver_task(message: dict) -> int:
    return email_deliver(message)

"""Helpers of the customer site's tests: public forms filled as a person would, a holder's
session, and the code out of the email."""

import re
import time

from django.core import mail

from gemcare.portals.customer.protection import HONEYPOT_FIELD, STARTED_FIELD, form_started
from gemcare.portals.web.callers import HOLDER_SESSION_KEY


def filled(data: dict | None = None, *, seconds_ago: float = 30) -> dict:
    """A public form as a person sends it: the stamp of a page drawn a while ago, the
    honeypot left empty."""
    return {
        STARTED_FIELD: form_started(at=time.time() - seconds_ago),
        HONEYPOT_FIELD: "",
        **(data or {}),
    }


def holder_signed_in(client, holder) -> None:
    """Open a holder's session on the test client, as the right code would."""
    session = client.session
    session[HOLDER_SESSION_KEY] = holder.pk
    session.save()


def code_from(message) -> str:
    (code,) = re.findall(r"\b(\d{6})\b", message.subject)
    return code


def ask_code(client, contract, *, capture, email: str | None = None, **extra):
    """Find my plan by number and email (the one on file by default)."""
    data = filled(
        {"way": "plan", "plan_number": contract.number, "email": email or "ada@example.com"}
    )
    data.update(extra)
    with capture(execute=True):
        return client.post("/my-plan/", data)


def sign_in(client, contract, *, capture) -> str:
    """Through the real pages: ask for a code, read it from the email, enter it."""
    before = len(mail.outbox)
    ask_code(client, contract, capture=capture)
    code = code_from(mail.outbox[before])
    response = client.post("/my-plan/code", filled({"code": code}))
    assert response.status_code == 302, response.content
    return code

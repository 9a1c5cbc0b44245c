"""What the jeweler portal's views share: the caller of a manager's pages, the store a
counter sells for, the form choices, and forms that may be sent only once.
"""

import secrets

from django.http import HttpRequest

from gemcare.common.callers import Caller
from gemcare.common.errors import ApplicationError
from gemcare.contracts.models import STATUSES
from gemcare.rules import vocabulary

KINDS = [(kind, kind.capitalize()) for kind in sorted(vocabulary.ITEM_KINDS)]
STATES = [(state, state) for state in sorted(vocabulary.US_STATES)]
PLAN_STATUSES = list(STATUSES)
CANCELLATION_REASONS = [
    (reason, reason.replace("_", " ").capitalize())
    for reason in sorted(vocabulary.HOLDER_CANCELLATION_REASONS)
]

# Tokens of forms that may be sent once (a key's or an endpoint's creation shows a secret
# once): at most this many kept per session, the oldest dropped first.
FORMS_ONCE_KEY = "jeweler_forms_once"
FORMS_ONCE_KEPT = 20


def manager_caller(request: HttpRequest) -> Caller:
    """The caller of a manager's pages (staff, keys, webhooks): the retailer as a whole,
    whatever store their record names, as the person who signed in."""
    staff = request.user.retailer_staff
    return Caller.retailer(staff.retailer, user=request.user)


def refusal_of(error: ApplicationError) -> dict:
    """A refusal as a page shows it: its words and its code."""
    return {"code": error.code, "message": error.message}


def form_once_issue(request: HttpRequest, purpose: str) -> str:
    """A token for one sending of a form: the page's POST spends it (`form_once_spend`), so
    a second click or a reload sends nothing twice."""
    token = secrets.token_urlsafe(16)
    kept = [item for item in request.session.get(FORMS_ONCE_KEY, []) if isinstance(item, str)]
    kept.append(f"{purpose}:{token}")
    request.session[FORMS_ONCE_KEY] = kept[-FORMS_ONCE_KEPT:]
    return token


def form_once_spend(request: HttpRequest, purpose: str, token: object) -> bool:
    """Whether `token` was issued for `purpose` in this session and not spent yet; spends it."""
    kept = request.session.get(FORMS_ONCE_KEY, [])
    wanted = f"{purpose}:{token}"
    if not isinstance(token, str) or not isinstance(kept, list) or wanted not in kept:
        return False
    kept.remove(wanted)
    request.session[FORMS_ONCE_KEY] = kept
    return True

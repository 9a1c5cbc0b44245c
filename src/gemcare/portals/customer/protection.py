"""Keeping robots off the customer site's public forms, with nothing from another site.

Every public POST (find my plan, the code, a transfer's acceptance) passes three checks
before its input is even read (`public_form_check`):

- a rate limit per client address and form: a fixed window counted in Django's cache,
  as the partner API's throttle counts (`api.throttling`; several processes share one
  count only if CACHE_URL names a shared cache, and a cache that fails lets the form
  through). django-ratelimit would do the same, but its last release declares Django 4.2
  at most, and the counter is a dozen lines;
- a honeypot: an input people never see (hidden from sight and from screen readers, out of
  the tab order) that form-filling robots fill in;
- a minimum fill time: the page signs the moment it was drawn into the form
  (`form_started`), and a form sent back sooner than a person can fill it, or with a
  missing, forged or day-old stamp, is refused.

A refusal is a page that says in words what to do (status 429, with Retry-After for the
rate limit); nothing is read or written.

The client's address is the one django-axes counts sign-ins by (`AXES_CLIENT_IP_CALLABLE`
behind a proxy), so both limits see the same address.
"""

import hashlib
import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gemcare.common.caching import CACHE_ERRORS, cache_failed

HONEYPOT_FIELD = "website"
STARTED_FIELD = "form_started"
# What form_read leaves to these checks.
PROTECTION_FIELDS = (HONEYPOT_FIELD, STARTED_FIELD, "next", "way")
STARTED_SALT = "gemcare.portals.customer.form_started"
# A stamp older than this is refused: the page has been open since yesterday.
STARTED_MAX_AGE_SECONDS = 24 * 60 * 60
HOUR = 60 * 60


@dataclass(frozen=True, slots=True)
class Limit:
    requests: int
    seconds: int


# Each public form's limit per address. Overridable as GEMCARE_CUSTOMER_RATE_LIMITS
# ({"find_plan": (10, 3600), ...}).
RATE_LIMITS = {
    "find_plan": Limit(10, HOUR),
    "sign_in_code": Limit(20, HOUR),
    "transfer_accept": Limit(10, HOUR),
    "policy_bind": Limit(10, HOUR),
}
# The least time, in seconds, a person takes to fill a form (GEMCARE_CUSTOMER_MIN_FILL_SECONDS).
MIN_FILL_SECONDS = 2.0

REFUSED_TEMPLATE = "portals/customer/refused.html"


def _limit(name: str) -> Limit:
    configured = getattr(settings, "GEMCARE_CUSTOMER_RATE_LIMITS", {}).get(name)
    return Limit(*configured) if configured is not None else RATE_LIMITS[name]


def _min_fill_seconds() -> float:
    return float(getattr(settings, "GEMCARE_CUSTOMER_MIN_FILL_SECONDS", MIN_FILL_SECONDS))


def client_address(request: HttpRequest) -> str:
    return get_client_ip_address(request) or "unknown"


def rate_limit_hit(name: str, ident: str, *, now: float | None = None) -> int | None:
    """Count one request of `ident` on form `name`: the seconds to wait if it is over the
    limit, else None. The count is the cache's atomic increment in a fixed window."""
    limit = _limit(name)
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]  # no address kept as it is
    key = f"gemcare:customer:rate:{name}:{digest}:{window}"
    try:
        count = _counted(key, limit.seconds)
    except CACHE_ERRORS as error:
        cache_failed(error, counting="public form rate limit")
        return None
    if count <= limit.requests:
        return None
    return max(1, int((window + 1) * limit.seconds - now))


def _counted(key: str, seconds: int) -> int:
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=seconds)
        return 1


def form_started(*, at: float | None = None) -> str:
    """The signed moment a form was drawn (in whole milliseconds, so every stamp has the
    same length), for its STARTED_FIELD."""
    moment = time.time() if at is None else at
    return signing.Signer(salt=STARTED_SALT).sign(str(int(moment * 1000)))


def _fill_problem(stamp: object) -> str | None:
    if not isinstance(stamp, str) or not stamp or len(stamp) > 200:
        return "The form was not sent from our page. Open the page again and fill it in."
    try:
        started = int(signing.Signer(salt=STARTED_SALT).unsign(stamp)) / 1000
    except (signing.BadSignature, ValueError):
        return "The form was not sent from our page. Open the page again and fill it in."
    age = time.time() - started
    if age > STARTED_MAX_AGE_SECONDS:
        return "The page was open for too long. Open it again and send the form once more."
    if age < _min_fill_seconds():
        return (
            "The form came back faster than a person can fill it in, so it was not accepted. "
            "Wait a moment, then send it again."
        )
    return None


def refused_page(
    request: HttpRequest, message: str, *, retry_after: int | None = None, back: str = ""
) -> HttpResponse:
    response = render(
        request,
        REFUSED_TEMPLATE,
        {"message": message, "back": back or request.path},
        status=429,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def public_form_check(request: HttpRequest, name: str) -> HttpResponse | None:
    """The refusal page for a public POST that fails a check, or None to go on."""
    wait = rate_limit_hit(name, client_address(request))
    if wait is not None:
        minutes = max(1, round(wait / 60))
        return refused_page(
            request,
            f"Too many requests from your connection. For the safety of every plan, this "
            f"form is paused for your address: try again in about {minutes} "
            f"minute{'s' if minutes != 1 else ''}.",
            retry_after=wait,
        )
    if request.POST.get(HONEYPOT_FIELD, ""):
        return refused_page(
            request,
            "The form had a field filled in that people do not see, so it looked like it "
            "was sent by a program. Open the page again and fill in the visible fields only.",
        )
    problem = _fill_problem(request.POST.get(STARTED_FIELD))
    if problem is not None:
        return refused_page(request, problem)
    return None

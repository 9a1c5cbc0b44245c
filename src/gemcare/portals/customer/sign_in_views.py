"""Find my plan: a holder signs in with a one-time code sent to the email on file.

1. `/my-plan/` asks for the plan number and the email on file, or the receipt number and
   the last name. Whatever is typed, the answer is the same redirect to the code page, after
   about the same time (SIGN_IN_SECONDS at least): nothing tells a stranger whether a plan
   exists. The request's token is kept in this browser's session.
2. `/my-plan/code` takes the code. The right one opens the holder's session under a new
   session key (`holder_session_open`) and goes on to the holder's plans (or the page the
   holder was sent from, `next`); wrong ones are counted and lock the request.

Both POSTs pass the public-form checks first (`customer.protection`).
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gemcare.common.errors import InvalidInput
from gemcare.portals.customer.errors import CustomerError
from gemcare.portals.customer.protection import PROTECTION_FIELDS, public_form_check
from gemcare.portals.customer.schemas import PlanNumberFindIn, ReceiptFindIn, SignInCodeIn
from gemcare.portals.customer.sign_ins import (
    CODE_MINUTES,
    SIGN_IN,
    sign_in_code_check,
    sign_in_code_request,
)
from gemcare.portals.web import (
    FormState,
    customer_caller,
    form_errors,
    form_read,
    holder_session_close,
    holder_session_open,
)
from gemcare.portals.web.access import next_url

SIGN_IN_REQUEST_KEY = "gemcare_sign_in_request"
# The least time a "find my plan" answer takes, found or not (GEMCARE_CUSTOMER_SIGN_IN_SECONDS).
SIGN_IN_SECONDS = 0.5
RECEIPT = "receipt"


def _next(request: HttpRequest) -> str:
    """The customer page to go on to after signing in (only one of the site's own)."""
    target = next_url(request, "")
    return target if target.startswith("/my-plan/") else ""


def _with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}" if target else url


def _find_page(request, *, form=None, way: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "portals/customer/sign_in.html",
        {"form": form or FormState(), "way": way, "next": _next(request)},
        status=status,
    )


def _pad(started: float) -> None:
    floor = float(getattr(settings, "GEMCARE_CUSTOMER_SIGN_IN_SECONDS", SIGN_IN_SECONDS))
    left = floor - (time.monotonic() - started)
    if left > 0:
        time.sleep(left)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if customer_caller(request) is not None:
            return HttpResponseRedirect(_next(request) or reverse("customer:my_plans"))
        return _find_page(request)
    refusal = public_form_check(request, "find_plan")
    if refusal is not None:
        return refusal
    started = time.monotonic()
    way = RECEIPT if request.POST.get("way") == RECEIPT else "plan"
    schema = ReceiptFindIn if way == RECEIPT else PlanNumberFindIn
    try:
        found = form_read(schema, request.POST, ignore=PROTECTION_FIELDS)
    except InvalidInput as error:
        form = FormState(request.POST, form_errors(error))
        return _find_page(request, form=form, way=way, status=422)
    request.session[SIGN_IN_REQUEST_KEY] = sign_in_code_request(caller=SIGN_IN, found=found)
    _pad(started)
    return HttpResponseRedirect(_with_next(reverse("customer:sign_in_code"), _next(request)))


CODE_MESSAGES = {
    CustomerError.CODE_EXPIRED: "has expired or was already used: ask for a new code",
    CustomerError.CODE_LOCKED: "was wrong too many times: ask for a new code",
}


def _code_page(request, *, form=None, status: int = 200, ask_again=False) -> HttpResponse:
    return render(
        request,
        "portals/customer/sign_in_code.html",
        {
            "form": form or FormState(),
            "minutes": CODE_MINUTES,
            "next": _next(request),
            "ask_again": ask_again,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    token = request.session.get(SIGN_IN_REQUEST_KEY)
    if not isinstance(token, str):
        return HttpResponseRedirect(_with_next(reverse("customer:sign_in"), _next(request)))
    if request.method == "GET":
        return _code_page(request)
    refusal = public_form_check(request, "sign_in_code")
    if refusal is not None:
        return refusal
    try:
        entered = form_read(SignInCodeIn, request.POST, ignore=PROTECTION_FIELDS)
    except InvalidInput as error:
        return _code_page(request, form=FormState({}, form_errors(error)), status=422)
    check = sign_in_code_check(caller=SIGN_IN, token=token, entered=entered)
    if check.holder is not None:
        target = _next(request) or reverse("customer:my_plans")
        holder_session_open(request, check.holder)
        return HttpResponseRedirect(target)
    if check.problem == CustomerError.CODE_WRONG:
        message = (
            f"is not the code we sent: {check.tries_left} "
            f"tr{'ies' if check.tries_left != 1 else 'y'} left"
        )
        return _code_page(request, form=FormState({}, {"code": message}), status=422)
    form = FormState({}, {"code": CODE_MESSAGES[check.problem]})
    status = 429 if check.problem == CustomerError.CODE_LOCKED else 422
    return _code_page(request, form=form, status=status, ask_again=True)


@never_cache
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    holder_session_close(request)
    messages.success(request, "You are signed out.")
    return HttpResponseRedirect(reverse("customer:home"))

"""Find my plan: a holder signs in with a one-time code sent to the email on file.

1. `/my-plan/` asks for the plan number and the email on file, or the receipt number and
   the last name. Whatever is typed, the answer is the same redirect to the code page, after
   about the same time (SIGN_IN_SECONDS at least): nothing tells a stranger whether a plan
   exists. The request's token is kept in this browser's session.
2. `/my-plan/code` takes the code. The right one opens the holder's session under a new
   session key (`holder_session_open`) and goes on to the holder's plans (or the page the
   holder was sent from, `next`); wrong ones are counted and lock the request.

Both POSTs pass the public-form checks first (`customer.protection`). The code page's steps
(`code_entry`) are the policy sign-in's too (`customer.insurance.policy_sign_in_views`).
"""

import time
from collections.abc import Callable
from typing import Any
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
    CodeCheck,
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


def with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}" if target else url


def _find_page(request, *, form=None, way: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "portals/customer/sign_in.html",
        {"form": form or FormState(), "way": way, "next": _next(request)},
        status=status,
    )


def answer_time_pad(started: float) -> None:
    """Answer a sign-in request no sooner than GEMCARE_CUSTOMER_SIGN_IN_SECONDS after it
    `started`: sending a code takes longer than not sending one, and the time must not
    tell which happened."""
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
    answer_time_pad(started)
    return HttpResponseRedirect(with_next(reverse("customer:sign_in_code"), _next(request)))


CODE_MESSAGES = {
    CustomerError.CODE_EXPIRED: "has expired or was already used: ask for a new code",
    CustomerError.CODE_LOCKED: "was wrong too many times: ask for a new code",
}


def code_entry(
    request: HttpRequest,
    *,
    token_key: str,
    template: str,
    next_target: str,
    sign_in_url: str,
    code_check: Callable[[str, SignInCodeIn], Any],
    signed_in: Callable[[Any], str | None],
) -> HttpResponse:
    """The code page of a sign-in (a plan's, a policy's): the same steps and the same words
    whichever record the code opens, so the two sign-ins guard alike.

    The request's token is read from the session under `token_key` (none: back to
    `sign_in_url`); a POST passes the public-form checks, then `code_check(token, entered)`
    answers with what the code opened or its `problem` and `tries_left`. `signed_in(check)`
    opens the session for a check that opened one and returns the page to go on to, or None
    when the code opened nothing."""
    token = request.session.get(token_key)
    if not isinstance(token, str):
        return HttpResponseRedirect(with_next(sign_in_url, next_target))

    def page(*, form=None, status: int = 200, ask_again=False) -> HttpResponse:
        context = {
            "form": form or FormState(),
            "minutes": CODE_MINUTES,
            "next": next_target,
            "ask_again": ask_again,
        }
        return render(request, template, context, status=status)

    if request.method == "GET":
        return page()
    refusal = public_form_check(request, "sign_in_code")
    if refusal is not None:
        return refusal
    try:
        entered = form_read(SignInCodeIn, request.POST, ignore=PROTECTION_FIELDS)
    except InvalidInput as error:
        return page(form=FormState({}, form_errors(error)), status=422)
    check = code_check(token, entered)
    target = signed_in(check)
    if target is not None:
        return HttpResponseRedirect(target)
    if check.problem == CustomerError.CODE_WRONG:
        message = (
            f"is not the code we sent: {check.tries_left} "
            f"tr{'ies' if check.tries_left != 1 else 'y'} left"
        )
        return page(form=FormState({}, {"code": message}), status=422)
    form = FormState({}, {"code": CODE_MESSAGES[check.problem]})
    status = 429 if check.problem == CustomerError.CODE_LOCKED else 422
    return page(form=form, status=status, ask_again=True)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    target = _next(request)

    def signed_in(check: CodeCheck) -> str | None:
        if check.holder is None:
            return None
        holder_session_open(request, check.holder)
        return target or reverse("customer:my_plans")

    return code_entry(
        request,
        token_key=SIGN_IN_REQUEST_KEY,
        template="portals/customer/sign_in_code.html",
        next_target=target,
        sign_in_url=reverse("customer:sign_in"),
        code_check=lambda token, entered: sign_in_code_check(
            caller=SIGN_IN, token=token, entered=entered
        ),
        signed_in=signed_in,
    )


@never_cache
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    holder_session_close(request)
    messages.success(request, "You are signed out.")
    return HttpResponseRedirect(reverse("customer:home"))

"""My policy: an insurance policyholder signs in with a one-time code sent to their email.

1. `/my-policy/` asks for the policy number and the email of a named insured on it.
   Whatever is typed, the answer is the same redirect to the code page, after about the
   same time as the plan sign-in's: nothing tells a stranger whether a policy exists. The
   request's token is kept in this browser's session.
2. `/my-policy/code` takes the code. The right one opens the policyholder's session under a
   new session key (`policyholder_session_open`) and goes on to their policy (or the page
   they were sent from, `next`); wrong ones are counted and lock the request.

Both POSTs pass the public-form checks first (`customer.protection`), counted with the plan
sign-in's: one address gets as many tries at either.
"""

import time

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gemcare.common.errors import InvalidInput
from gemcare.insurance.models import Policy
from gemcare.portals.customer.insurance.policy_schemas import PolicyNumberFindIn
from gemcare.portals.customer.insurance.policy_sign_ins import (
    PolicyCodeCheck,
    policy_sign_in_code_check,
    policy_sign_in_code_request,
)
from gemcare.portals.customer.protection import PROTECTION_FIELDS, public_form_check
from gemcare.portals.customer.sign_in_views import answer_time_pad, code_entry, with_next
from gemcare.portals.customer.sign_ins import SIGN_IN
from gemcare.portals.web import FormState, form_errors, form_read
from gemcare.portals.web.access import next_url
from gemcare.portals.web.callers import policyholder_caller, policyholder_session_open

POLICY_SIGN_IN_REQUEST_KEY = "gemcare_policy_sign_in_request"


def _next(request: HttpRequest) -> str:
    """The policy page to go on to after signing in (only one of the site's own)."""
    target = next_url(request, "")
    return target if target.startswith("/my-policy/") else ""


def _own_policy_url(caller) -> str:
    number = Policy.objects.filter(pk=caller.policy_id).values_list("number", flat=True).first()
    return reverse("customer:policy", args=[number]) if number else reverse("customer:insurance")


def _find_page(request, *, form=None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "portals/customer/insurance/policy_sign_in.html",
        {"form": form or FormState(), "next": _next(request)},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def policy_sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        caller = policyholder_caller(request)
        if caller is not None:
            return HttpResponseRedirect(_next(request) or _own_policy_url(caller))
        return _find_page(request)
    refusal = public_form_check(request, "find_plan")
    if refusal is not None:
        return refusal
    started = time.monotonic()
    try:
        found = form_read(PolicyNumberFindIn, request.POST, ignore=PROTECTION_FIELDS)
    except InvalidInput as error:
        return _find_page(request, form=FormState(request.POST, form_errors(error)), status=422)
    request.session[POLICY_SIGN_IN_REQUEST_KEY] = policy_sign_in_code_request(
        caller=SIGN_IN, found=found
    )
    answer_time_pad(started)
    code_url = reverse("customer:policy_sign_in_code")
    return HttpResponseRedirect(with_next(code_url, _next(request)))


@never_cache
@require_http_methods(["GET", "POST"])
def policy_sign_in_code(request: HttpRequest) -> HttpResponse:
    target = _next(request)

    def signed_in(check: PolicyCodeCheck) -> str | None:
        if check.named_insured is None:
            return None
        policyholder_session_open(request, check.named_insured)
        return target or reverse("customer:policy", args=[check.named_insured.policy.number])

    return code_entry(
        request,
        token_key=POLICY_SIGN_IN_REQUEST_KEY,
        template="portals/customer/insurance/policy_sign_in_code.html",
        next_target=target,
        sign_in_url=reverse("customer:policy_sign_in"),
        code_check=lambda token, entered: policy_sign_in_code_check(
            caller=SIGN_IN, token=token, entered=entered
        ),
        signed_in=signed_in,
    )

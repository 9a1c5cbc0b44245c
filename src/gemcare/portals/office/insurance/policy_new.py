"""A new policy (`/office/insurance/policies/new`): the quote, then the bind.

One form holds the whole policy. As items are typed, htmx asks `policy_quote_live` for the
premium (the quote alone, nothing written); without JavaScript, "Show the premium" sends
the form back and the page comes again with the premium. "Bind the policy" calls
`policy_bind`, which writes the policy and its first event, and goes on to its page.
Administrators and adjusters bind; the privacy officer does not see these pages.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.insurance.schemas import PolicyBindIn
from gemcare.insurance.services import policy_bind, policy_quote
from gemcare.portals.office.insurance.policy_access import POLICY_ACTORS
from gemcare.portals.office.insurance.policy_forms import (
    LiveQuote,
    bind_read,
    bind_rows,
    choices,
    quote_input,
    renamed,
)
from gemcare.portals.web import FormState, form_errors, office_required

TEMPLATE = "portals/office/insurance/policy_new.html"
QUOTE_TEMPLATE = "portals/office/insurance/policy_quote.html"


def live_quote(caller, post) -> LiveQuote:
    """The premium for what the form holds so far, or what is missing for one."""
    try:
        return LiveQuote(policy_quote(caller=caller, data=quote_input(post)), {})
    except InvalidInput as error:
        return LiveQuote(None, form_errors(error))


def _page(request, *, form: FormState, status: int = 200, quote=None, refusal=None):
    context = {
        "form": form,
        "choices": choices(),
        "live": quote,
        "refusal": refusal,
        "show_value_adjustment": True,
        **bind_rows(),
    }
    return render(request, TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
@office_required(roles=POLICY_ACTORS)
def policy_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = FormState(
            {"start": today().isoformat(), "deductible": "100.00", "installments": "1"}
        )
        return _page(request, form=form)
    if request.POST.get("action") == "quote":
        quote = live_quote(request.caller, request.POST)
        return _page(request, form=FormState(request.POST), quote=quote)
    try:
        data = bind_read(PolicyBindIn, request.POST, ignore=["action"])
        policy = policy_bind(caller=request.caller, data=data)
    except InvalidInput as error:
        form = FormState(request.POST, form_errors(renamed(error)))
        return _page(request, form=form, status=422)
    except Refused as error:
        refusal = {"code": error.code, "message": error.message}
        return _page(request, form=FormState(request.POST), status=409, refusal=refusal)
    messages.success(
        request, f"Policy {policy.number} is bound: premium ${policy.premium:,.2f} a year."
    )
    return redirect("office:policy", number=policy.number)


@require_POST
@office_required(roles=POLICY_ACTORS)
def policy_quote_live(request: HttpRequest) -> HttpResponse:
    """The premium part of the new-policy page, for htmx as the form changes."""
    context = {"live": live_quote(request.caller, request.POST)}
    return render(request, QUOTE_TEMPLATE, context)

"""Buying a policy online (`/my-policy/quote`): the quote, then the bind.

The form is the back office's new-policy form (`office.insurance.policy_forms`), read into
`OnlinePolicyBindIn`: the service's own `PolicyBindIn`, where the first named insured gives
an email and the policy starts today or later. The premium shows live as items are typed
(htmx asks `policy_quote_live`, nothing written) and, without JavaScript, with "Show the
premium". Binding is done by the platform for the site (`Caller.system("customer_site")`),
after the public-form checks; the declarations page is emailed by the bind itself, and the
new policy's first named insured is signed in to see it.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.insurance.services import policy_bind
from gemcare.portals.customer.insurance.policy_schemas import OnlinePolicyBindIn
from gemcare.portals.customer.protection import PROTECTION_FIELDS, public_form_check
from gemcare.portals.office.insurance.policy_forms import bind_read, bind_rows, choices, renamed
from gemcare.portals.office.insurance.policy_new import live_quote
from gemcare.portals.web import FormState, form_errors
from gemcare.portals.web.callers import policyholder_session_open

CUSTOMER_SITE = Caller.system("customer_site")
TEMPLATE = "portals/customer/insurance/policy_quote.html"
IGNORED = [*PROTECTION_FIELDS, "action"]


def _page(request, *, form: FormState, status: int = 200, quote=None, refusal=None):
    context = {
        "form": form,
        "choices": choices(),
        "live": quote,
        "refusal": refusal,
        "show_value_adjustment": False,
        "refs_given": True,
        **bind_rows(),
    }
    return render(request, TEMPLATE, context, status=status)


def _without_protection(post) -> dict:
    return {name: post.getlist(name) for name in post if name not in IGNORED}


def _with_refs(post) -> dict:
    """The form with each item row that has anything typed in it given its reference on the
    policy (`item-1`, `item-2`...): a buyer does not name their pieces' references."""
    values = {name: post.getlist(name) for name in post}
    filled_rows = {
        name.split(".")[1]
        for name, given in values.items()
        if name.startswith("items.") and name.count(".") == 2 and any(v != "" for v in given)
    }
    for row in filled_rows:
        if row.isdigit():
            values[f"items.{row}.ref"] = [f"item-{int(row) + 1}"]
    return values


@require_http_methods(["GET", "POST"])
def policy_quote(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = FormState({"start": today().isoformat(), "deductible": "100.00"})
        return _page(request, form=form)
    if request.POST.get("action") == "quote":
        quote = live_quote(CUSTOMER_SITE, _without_protection(request.POST))
        return _page(request, form=FormState(request.POST), quote=quote)
    refusal = public_form_check(request, "policy_bind")
    if refusal is not None:
        return refusal
    try:
        data = bind_read(OnlinePolicyBindIn, _with_refs(request.POST), ignore=IGNORED)
        policy = policy_bind(caller=CUSTOMER_SITE, data=data)
    except InvalidInput as error:
        form = FormState(request.POST, form_errors(renamed(error)))
        return _page(request, form=form, status=422)
    except Refused as error:
        refusal = {"code": error.code, "message": error.message}
        return _page(request, form=FormState(request.POST), status=409, refusal=refusal)
    policyholder_session_open(request, policy.named_insureds.order_by("id").first())
    messages.success(
        request,
        f"Your policy {policy.number} is issued. We have emailed its declarations page to "
        f"{data.named_insureds[0].email}.",
    )
    return HttpResponseRedirect(reverse("customer:policy", args=[policy.number]))


@require_POST
def policy_quote_live(request: HttpRequest) -> HttpResponse:
    """The premium part of the quote page, for htmx as the form changes."""
    quote = live_quote(CUSTOMER_SITE, _without_protection(request.POST))
    return render(request, "portals/office/insurance/policy_quote.html", {"live": quote})

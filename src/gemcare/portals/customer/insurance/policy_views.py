"""A policyholder's policy on the customer site, and the public page about the insurance.

- `/my-policy/insurance`: what a policy covers and how to get one (public).
- `/my-policy/<number>`: the policy (period, schedule with limits and premiums, billing,
  deadlines, losses, history) with its declarations page to download.
- `/my-policy/<number>/cancel`: the refund first, for the day chosen (today or later),
  then the confirmation.

Every policy page reads with the policyholder's caller: another policy is "not found",
exactly like a number that does not exist.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.schemas import validate_input
from gemcare.insurance.declarations import declarations_pdf
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.schemas import PolicyCancelIn
from gemcare.insurance.selectors import policy_cancel_preview
from gemcare.insurance.services import policy_cancel
from gemcare.portals.customer.insurance.policy_schemas import PolicyholderCancelIn
from gemcare.portals.office.insurance.policy_file import policy_file, template_or_none
from gemcare.portals.office.insurance.policy_forms import choices
from gemcare.portals.office.insurance.policy_pages import declarations_response
from gemcare.portals.office.insurance.policy_selectors import policy_of
from gemcare.portals.web import FormState, form_errors, form_read
from gemcare.portals.web.access import policyholder_required
from gemcare.rules.insurance import INSURED

LOSSES_TEMPLATE = "portals/customer/insurance/_policy_losses.html"


@require_safe
def insurance(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portals/customer/insurance/insurance_about.html", {"choices": choices()}
    )


@require_safe
@policyholder_required
def policy_page(request: HttpRequest, number: str) -> HttpResponse:
    policy = policy_of(caller=request.caller, number=number)
    context = policy_file(caller=request.caller, policy=policy, on=today())
    context["losses_template"] = template_or_none(LOSSES_TEMPLATE)
    return render(request, "portals/customer/insurance/policy.html", context)


@require_safe
@policyholder_required
def policy_declarations(request: HttpRequest, number: str) -> HttpResponse:
    policy = policy_of(caller=request.caller, number=number)
    return declarations_response(declarations_pdf(policy), policy.number)


def _preview(request: HttpRequest, policy, day: str):
    """(the refund for cancelling on `day`, the errors by field, the refusal)."""
    if not policy.is_active:
        words = f"Policy {policy.number} is {policy.get_status_display().lower()}."
        return None, {}, {"code": InsuranceError.POLICY_NOT_ACTIVE.value, "message": words}
    try:
        data = form_read(PolicyCancelIn, {"cancel_on": day, "by": INSURED})
        return policy_cancel_preview(caller=request.caller, policy=policy, data=data), {}, None
    except InvalidInput as error:
        return None, form_errors(error), None
    except Refused as error:
        return None, {}, {"code": error.code, "message": error.message}


@require_http_methods(["GET", "POST"])
@policyholder_required
def policy_cancel_page(request: HttpRequest, number: str) -> HttpResponse:
    """The refund for the day chosen (today by default) is shown first; with htmx, choosing
    another day redraws the refund alone. Confirming needs the box ticked."""
    policy = policy_of(caller=request.caller, number=number)
    values = request.POST if request.method == "POST" else request.GET
    day = values.get("cancel_on") or today().isoformat()
    preview, errors, refusal = _preview(request, policy, day)
    if request.method == "POST" and preview is not None:
        try:
            chosen = form_read(PolicyholderCancelIn, request.POST, booleans=["confirm"])
            data = validate_input(PolicyCancelIn, {"cancel_on": chosen.cancel_on, "by": INSURED})
            cancellation = policy_cancel(caller=request.caller, policy=policy, data=data)
        except InvalidInput as error:
            errors = form_errors(error)
        except Refused as error:
            refusal = {"code": error.code, "message": error.message}
        else:
            messages.success(
                request,
                f"Your policy {policy.number} is cancelled as of "
                f"{cancellation.cancel_on:%b} {cancellation.cancel_on.day}, "
                f"{cancellation.cancel_on.year}. Refund: ${cancellation.refund:,.2f}.",
            )
            return HttpResponseRedirect(reverse("customer:policy", args=[policy.number]))
    status = 422 if errors else 409 if refusal else 200
    context = {
        "policy": policy,
        "form": FormState({"cancel_on": day}, errors),
        "preview": preview,
        "refusal": refusal,
    }
    htmx = getattr(request, "htmx", False) and request.method == "GET"
    template = "policy_refund.html" if htmx else "policy_cancel.html"
    return render(request, f"portals/customer/insurance/{template}", context, status=status)

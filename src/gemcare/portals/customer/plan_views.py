"""A holder's plans: the list, one plan (coverage, status, claims, what a cancellation would
refund today), its certificate, and cancelling it with the refund shown first.

Every page reads with the holder's caller: another holder's plan is "not found", exactly
like a number that does not exist. Only live plans are the site's (`is_test=False`).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from gemcare.claims.selectors import claims_of_contract
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.contracts.certificates import certificate_pdf, covered_through
from gemcare.contracts.models import Cancellation
from gemcare.contracts.selectors import contract_get, contracts_list, refund_preview
from gemcare.portals.customer.schemas import CustomerCancelIn
from gemcare.portals.customer.selectors import (
    invitation_open,
    plan_coverage,
    plan_terms_for,
    term_words,
    transfer_offered,
)
from gemcare.portals.customer.services import customer_cancel
from gemcare.portals.web import FormState, customer_required, form_errors, form_read
from gemcare.rules import vocabulary

REASONS = [
    ("holder_request", "I no longer want the plan"),
    ("duplicate_warranty", "A warranty already gives me the same coverage"),
]
assert {code for code, _ in REASONS} == vocabulary.HOLDER_CANCELLATION_REASONS


def _plan(request: HttpRequest, number: str):
    return contract_get(caller=request.caller, number=number, is_test=False)


def _preview(request: HttpRequest, number: str, reason: str | None = None):
    """What a cancellation today would refund, or None when the plan cannot be cancelled."""
    try:
        return refund_preview(
            caller=request.caller, number=number, cancel_on=today(), reason=reason, is_test=False
        )
    except Refused:
        return None


@require_safe
@customer_required
def my_plans(request: HttpRequest) -> HttpResponse:
    plans = contracts_list(caller=request.caller, is_test=False).select_related("product_version")
    return render(request, "portals/customer/my_plans.html", {"plans": plans})


@require_safe
@customer_required
def my_plan(request: HttpRequest, number: str) -> HttpResponse:
    contract = _plan(request, number)
    terms = plan_terms_for(contract)
    context = {
        "plan": contract,
        "term": term_words(terms),
        "covered_through": covered_through(contract),
        "coverage": plan_coverage(contract),
        "claims": claims_of_contract(caller=request.caller, contract_number=contract.number),
        "preview": _preview(request, contract.number),
        "cancellation": Cancellation.objects.filter(contract=contract).first(),
        "transfer": transfer_offered(contract),
        "invitation": invitation_open(caller=request.caller, contract=contract),
        "claim_open": contract.status == "active",
    }
    return render(request, "portals/customer/my_plan.html", context)


@require_safe
@customer_required
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    pdf = certificate_pdf(caller=request.caller, number=number, is_test=False)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gemcare-{number}.pdf"'
    return response


def _reason(value: object) -> str:
    codes = {code for code, _ in REASONS}
    return value if isinstance(value, str) and value in codes else "holder_request"


@require_http_methods(["GET", "POST"])
@customer_required
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    """The refund first (for the reason chosen: a duplicate warranty refunds in full), then
    the confirmation. With htmx, choosing a reason redraws the refund alone."""
    contract = _plan(request, number)
    form = FormState({"reason": "holder_request"})
    status = 200
    if request.method == "POST":
        try:
            chosen = form_read(CustomerCancelIn, request.POST, booleans=["confirm"])
        except InvalidInput as error:
            form, status = FormState(request.POST, form_errors(error)), 422
        else:
            cancellation = customer_cancel(caller=request.caller, contract=contract, cancel=chosen)
            messages.success(
                request,
                f"Your plan {contract.number} is cancelled. Refund: ${cancellation.refund:,.2f}, "
                f"due by {cancellation.due_on:%b} {cancellation.due_on.day}, "
                f"{cancellation.due_on.year}.",
            )
            return HttpResponseRedirect(reverse("customer:my_plan", args=[contract.number]))
    reason = _reason(request.POST.get("reason") or request.GET.get("reason"))
    context = {
        "plan": contract,
        "preview": _preview(request, contract.number, reason),
        "reasons": REASONS,
        "reason": reason,
        "form": form if status == 422 else FormState({"reason": reason}),
    }
    if getattr(request, "htmx", False) and request.method == "GET":
        return render(request, "portals/customer/_refund_preview.html", context)
    return render(request, "portals/customer/cancel.html", context, status=status)

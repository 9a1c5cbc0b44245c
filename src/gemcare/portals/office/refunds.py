"""Refunds due (`/office/refunds`): cancellations whose refund is not paid yet, the earliest
due first, each with its due date and the day its late penalty starts (the day after), and
what paying it today carries; recording a payment (`refund_payment_record`) adds the penalty
when it is paid late (RULEBOOK 5). Administrators and adjusters record payments; the privacy
officer reads the list.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.schemas import validate_input
from gemcare.contracts.schemas import RefundPaymentIn
from gemcare.contracts.services import refund_payment_record
from gemcare.portals.office.access import PAYERS, may_pay
from gemcare.portals.office.schemas import PageQuery, after_of
from gemcare.portals.office.selectors import refund_due_get, refunds_due
from gemcare.portals.web import FormState, form_errors, form_read, office_required

PAGE = 25
TEMPLATE = "portals/office/refunds.html"


def _page(
    request: HttpRequest,
    *,
    after=None,
    status: int = 200,
    failed: int | None = None,
    form: FormState | None = None,
    refusal: dict | None = None,
) -> HttpResponse:
    on = today()
    found = refunds_due(caller=request.caller, on=on, after=after, limit=PAGE + 1)
    page = found[:PAGE]
    last = page[-1].cancellation if page and len(found) > PAGE else None
    context = {
        "rows": page,
        "on": on,
        "may_pay": may_pay(request.caller),
        "next_after": after_of(last.due_on, last.pk) if last is not None else "",
        "paged": after is not None,
        "failed": failed,  # the cancellation whose payment form comes back
        "form": form or FormState({"paid": on.isoformat()}),
        "refusal": refusal,
    }
    return render(request, TEMPLATE, context, status=status)


@require_safe
@office_required
def refund_list(request: HttpRequest) -> HttpResponse:
    values = {"after": request.GET["after"]} if request.GET.get("after") else {}
    try:
        query = validate_input(PageQuery, values)
    except InvalidInput as error:
        context = {"rows": [], "query_form": FormState(request.GET, form_errors(error))}
        return render(request, TEMPLATE, context, status=422)
    return _page(request, after=query.after)


@require_POST
@office_required(roles=PAYERS)
def refund_pay(request: HttpRequest, cancellation_id: int) -> HttpResponse:
    cancellation = refund_due_get(caller=request.caller, cancellation_id=cancellation_id)
    try:
        payment = form_read(RefundPaymentIn, request.POST)
        paid = refund_payment_record(
            caller=request.caller, cancellation=cancellation, payment=payment
        )
    except InvalidInput as error:
        form = FormState(request.POST, form_errors(error))
        return _page(request, status=422, failed=cancellation.pk, form=form)
    except Refused as error:
        refusal = {"code": error.code, "message": error.message}
        return _page(
            request,
            status=409,
            failed=cancellation.pk,
            form=FormState(request.POST),
            refusal=refusal,
        )
    said = f"Refund on plan {cancellation.contract.number} paid: ${paid.total:,.2f}"
    if paid.penalty:
        said += f", with ${paid.penalty:,.2f} late penalty ({paid.days_late} days late)"
    messages.success(request, said + ".")
    return redirect("office:refunds")

"""Finding a plan, and its page: coverage, claims, the remaining limit, a refund preview for
any date, the certificate, and the actions the rules allow today.

Everything is read through the caller: a plan of another retailer, or of another store for
an associate tied to one, is "not found" like a number that does not exist. Live records
only: a test-mode sale (made with a test API key) is not the counter's.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_safe

from gemcare.api.schemas import RefundQuoteQuery
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.schemas import validate_input
from gemcare.contracts.certificates import certificate_pdf, covered_through
from gemcare.contracts.selectors import contract_overview, contracts_search, refund_preview
from gemcare.portals.jeweler.pages import CANCELLATION_REASONS, PLAN_STATUSES, refusal_of
from gemcare.portals.jeweler.schemas import PlanSearchIn
from gemcare.portals.web import FormState, form_errors, jeweler_required

PAGE_SIZE = 25
PREVIEW_TEMPLATE = "portals/jeweler/_refund_preview.html"
SENSITIVE_ON_FILE = (
    ("date_of_birth", "Date of birth"),
    ("ssn", "SSN"),
    ("government_id", "Government ID"),
    ("bank_account", "Bank account"),
)


def _query(request: HttpRequest) -> dict:
    """The GET parameters a page reads, as given (the last value of each)."""
    return {name: request.GET.get(name) for name in request.GET}


@require_safe
@jeweler_required
def plan_find(request: HttpRequest) -> HttpResponse:
    """`/jeweler/plans?q=`: one box for a plan number, a receipt number, a holder's name,
    email or phone; newest first, a page at a time."""
    values = {name: value for name, value in _query(request).items() if value != ""}
    try:
        search = validate_input(PlanSearchIn, values)
    except InvalidInput as error:
        form = FormState(request.GET, form_errors(error))
        context = {"form": form, "statuses": PLAN_STATUSES, "rows": [], "searched": False}
        return render(request, "portals/jeweler/plan_find.html", context, status=422)
    rows, next_before = contracts_search(
        caller=request.caller,
        text=search.q,
        status=search.status,
        before_id=search.before,
        limit=PAGE_SIZE,
    )
    context = {
        "form": FormState(request.GET),
        "statuses": PLAN_STATUSES,
        "rows": rows,
        "next_before": next_before,
        "searched": bool(search.q or search.status),
        "q": search.q,
        "status": search.status or "",
        "paged": search.before is not None,
    }
    return render(request, "portals/jeweler/plan_find.html", context)


def _preview(request: HttpRequest, number: str) -> tuple[dict, int]:
    """The refund preview for the date (and reason) asked, today's by default: the context
    of its partial, and the status it answers with."""
    values = {
        name: request.GET.get(name)
        for name in ("date", "reason")
        if request.GET.get(name, "") != ""
    }
    form = FormState({"date": today().isoformat(), **request.GET.dict()})
    try:
        query = validate_input(RefundQuoteQuery, values)
    except InvalidInput as error:
        return {"preview_form": FormState(request.GET, form_errors(error)), "number": number}, 422
    try:
        preview = refund_preview(
            caller=request.caller,
            number=number,
            cancel_on=query.date or today(),
            reason=query.reason,
            is_test=False,
        )
    except Refused as error:
        return {"preview_form": form, "number": number, "preview_refusal": refusal_of(error)}, 409
    return {"preview_form": form, "number": number, "preview": preview}, 200


def _path_exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@require_safe
@jeweler_required
def plan_page(request: HttpRequest, number: str) -> HttpResponse:
    on = today()
    overview = contract_overview(caller=request.caller, number=number, on=on)
    contract = overview.contract
    preview, status = _preview(request, contract.number)
    holder = contract.holder
    claims_new = f"/jeweler/plans/{contract.number}/claims/new"
    context = {
        "overview": overview,
        "contract": contract,
        "holder": holder,
        "covered_through": covered_through(contract),
        "causes": sorted(overview.terms.causes),
        "reasons_choices": CANCELLATION_REASONS,
        "sensitive_on_file": [label for name, label in SENSITIVE_ON_FILE if getattr(holder, name)],
        "claim_new_url": claims_new if _path_exists(claims_new) else "",
        "claims": [
            (claim, url if _path_exists(url) else "")
            for claim, url in ((c, f"/jeweler/claims/{c.number}") for c in overview.claims)
        ],
        **preview,
    }
    # The page itself is found: a refused preview is an answer shown in it. Bad input in the
    # preview's form is a form to correct.
    return render(
        request, "portals/jeweler/plan.html", context, status=422 if status == 422 else 200
    )


@require_safe
@jeweler_required
def refund_preview_part(request: HttpRequest, number: str) -> HttpResponse:
    """The refund preview alone: the plan page's form answered for htmx (without JavaScript
    the same form reloads the plan page with the preview in it)."""
    context, status = _preview(request, number)
    return render(request, PREVIEW_TEMPLATE, context, status=status)


@require_safe
@jeweler_required
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    """The printable certificate (PDF) of the caller's plan."""
    pdf = certificate_pdf(caller=request.caller, number=number, is_test=False)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{number}.pdf"'
    return response

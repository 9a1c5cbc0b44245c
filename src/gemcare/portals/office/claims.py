"""The adjuster's pages: the queue (`/office/claims/queue`) and a claim's file
(`/office/claims/<number>`), where an adjuster or an administrator decides.

The queue holds the claims awaiting review and the denials whose holder (or jeweler) asked
for a person, oldest filing first, each with how long it has waited and the 60-day flag
(RULEBOOK 4: unpaid 60 days after filing; in CT, GA and WI the holder may then claim
directly). A claim's file shows the rules' explanation line by line, the item, its photos,
the contract's history and every decision so far; its forms confirm, change the amount or
deny (uphold, for a request), each through `claim_review`, which asks for the written
reason. The privacy officer reads these pages; the decision answers them 404.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from gemcare.claims.models import AWAITING_REVIEW
from gemcare.claims.schemas import ReviewIn
from gemcare.claims.selectors import (
    claim_escalation,
    claim_get,
    claim_photo_get,
    claims_for_adjusters,
)
from gemcare.claims.services import claim_review
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.schemas import validate_input
from gemcare.insurance.loss_selectors import loss_for_claim
from gemcare.portals.jeweler.claims import photo_response
from gemcare.portals.office.access import DECIDERS, may_decide
from gemcare.portals.office.schemas import (
    ChangingIn,
    ConfirmingIn,
    DenyingIn,
    PageQuery,
    after_of,
)
from gemcare.portals.office.selectors import claim_file_of
from gemcare.portals.web import FormState, form_errors, form_read, office_required

QUEUE_PAGE = 25
# The review forms of a claim's file, by the prefix of their inputs.
ACTIONS = ("confirming", "changing", "denying")


@require_safe
@office_required
def claim_queue(request: HttpRequest) -> HttpResponse:
    values = {"after": request.GET["after"]} if request.GET.get("after") else {}
    try:
        query = validate_input(PageQuery, values)
    except InvalidInput as error:
        context = {"form": FormState(request.GET, form_errors(error)), "rows": []}
        return render(request, "portals/office/claims/queue.html", context, status=422)
    on = today()
    found = claims_for_adjusters(caller=request.caller, after=query.after, limit=QUEUE_PAGE + 1)
    page = found[:QUEUE_PAGE]
    rows = [
        {
            "claim": claim,
            "asked": claim.status != AWAITING_REVIEW,
            "waiting": (on - claim.filed_on).days,
            "escalation": claim_escalation(claim, on=on),
        }
        for claim in page
    ]
    last = page[-1] if page and len(found) > QUEUE_PAGE else None
    context = {
        "rows": rows,
        "next_after": after_of(last.filed_on, last.pk) if last is not None else "",
        "paged": query.after is not None,
        "on": on,
    }
    return render(request, "portals/office/claims/queue.html", context)


def claim_file_render(
    request: HttpRequest,
    number: str,
    *,
    status: int = 200,
    refusal: dict | None = None,
    **forms: FormState,
) -> HttpResponse:
    file = claim_file_of(caller=request.caller, number=number)
    claim = file.view.claim
    on = today()
    context = {
        "file": file,
        "view": file.view,
        "claim": claim,
        "contract": file.contract,
        "decidable": may_decide(request.caller)
        and (claim.status == AWAITING_REVIEW or claim.review_open),
        "requested": claim.review_open,
        "escalation": claim_escalation(claim, on=on),
        "waiting": (on - claim.filed_on).days,
        "refusal": refusal,
        # One item, two covers: the policy's loss that this plan claim pays first.
        "insurance_loss": loss_for_claim(caller=request.caller, claim=claim),
        **{f"{action}_form": FormState() for action in ACTIONS},
    }
    context.update(forms)
    # The form sent back is the one the error summary lists.
    context["form"] = next(iter(forms.values()), FormState())
    return render(request, "portals/office/claims/claim.html", context, status=status)


@require_safe
@office_required
def claim_page(request: HttpRequest, number: str) -> HttpResponse:
    return claim_file_render(request, number)


def _review_of(action: str, post) -> ReviewIn:
    """The service's input from the form that was sent."""
    if action == "changing":
        change = form_read(ChangingIn, post, nested=["changing"], ignore=["action"]).changing
        return ReviewIn(approved=change.approved, note=change.note)
    if action == "denying":
        denial = form_read(DenyingIn, post, nested=["denying"], ignore=["action"]).denying
        return ReviewIn(deny=True, note=denial.note)
    confirm = form_read(ConfirmingIn, post, nested=["confirming"], ignore=["action"]).confirming
    return ReviewIn(note=confirm.note)


@require_POST
@office_required(roles=DECIDERS)
def claim_decide(request: HttpRequest, number: str) -> HttpResponse:
    claim = claim_get(caller=request.caller, number=number)
    action = request.POST.get("action")
    if action not in ACTIONS:
        action = "confirming"
    form = f"{action}_form"
    try:
        review = _review_of(action, request.POST)
        decided = claim_review(caller=request.caller, claim=claim, review=review)
    except InvalidInput as error:
        if error.field in {"note", "approved"}:  # the service names the schema's field
            error = InvalidInput(f"{action}.{error.field}", None, error.message, code=error.code)
        return claim_file_render(
            request, number, status=422, **{form: FormState(request.POST, form_errors(error))}
        )
    except Refused as error:
        return claim_file_render(
            request,
            number,
            status=409,
            refusal={"code": error.code, "message": error.message},
            **{form: FormState(request.POST)},
        )
    messages.success(
        request,
        f"Claim {decided.number}: {decided.get_status_display().lower()}, "
        f"${decided.approved:,.2f} approved.",
    )
    return redirect("office:claim", number=decided.number)


@require_safe
@office_required
def claim_photo(request: HttpRequest, number: str, photo_id: int) -> HttpResponse:
    return photo_response(claim_photo_get(caller=request.caller, number=number, photo_id=photo_id))

"""What the jeweler does on a claim's page: where the work is done (`claim_route`), the work
done with its actual cost and invoice (`claim_fulfil`, read as the partner API reads a
completion), and, for a claim the rules denied,
asking a person to review it (`claim_review_request`).

Each is a plain form posted to its own address, then a redirect to the claim's page; a form
that fails shows the page again with the error beside its field (422), a refusal in words
with its code (409), and nothing is changed.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from gemcare.api.claim_schemas import CompletionIn
from gemcare.claims.schemas import ReviewRequestIn, RouteIn
from gemcare.claims.selectors import claim_get
from gemcare.claims.services import claim_fulfil, claim_review_request, claim_route
from gemcare.common.errors import InvalidInput, Refused
from gemcare.portals.jeweler.claims import claim_page_render
from gemcare.portals.web import FormState, form_errors, form_read, jeweler_required


def _failed(request: HttpRequest, number: str, form: str, error: Exception) -> HttpResponse:
    if isinstance(error, InvalidInput):
        return claim_page_render(
            request,
            number,
            status=422,
            **{form: FormState(request.POST, form_errors(error))},
        )
    return claim_page_render(
        request,
        number,
        status=409,
        refusal={"form": form, "code": error.code, "message": error.message},
        **{form: FormState(request.POST)},
    )


@require_POST
@jeweler_required
def claim_route_view(request: HttpRequest, number: str) -> HttpResponse:
    claim = claim_get(caller=request.caller, number=number, is_test=False)
    post = request.POST.copy()
    if post.get("route") != "repair_center":
        post.pop("repair_center", None)  # the picker is on the page for either choice
    try:
        route = form_read(RouteIn, post)
        claim_route(caller=request.caller, claim=claim, route=route)
    except (InvalidInput, Refused) as error:
        return _failed(request, number, "route_form", error)
    messages.success(request, "The route of the work is recorded.")
    return redirect("jeweler:claim", number=claim.number)


@require_POST
@jeweler_required
def claim_complete(request: HttpRequest, number: str) -> HttpResponse:
    claim = claim_get(caller=request.caller, number=number, is_test=False)
    try:
        completion = form_read(CompletionIn, request.POST)
        reimbursement = claim_fulfil(
            caller=request.caller, claim=claim, fulfilment=completion.fulfilment_in()
        )
    except (InvalidInput, Refused) as error:
        return _failed(request, number, "complete_form", error)
    messages.success(
        request,
        f"The work is recorded as done: ${reimbursement.amount:,.2f} will be reimbursed.",
    )
    return redirect("jeweler:claim", number=claim.number)


@require_POST
@jeweler_required
def claim_ask_review(request: HttpRequest, number: str) -> HttpResponse:
    claim = claim_get(caller=request.caller, number=number, is_test=False)
    try:
        review_request = form_read(ReviewRequestIn, request.POST)
        claim_review_request(caller=request.caller, claim=claim, request=review_request)
    except (InvalidInput, Refused) as error:
        return _failed(request, number, "request_form", error)
    messages.success(request, "A person's review is asked for: an adjuster will decide.")
    return redirect("jeweler:claim", number=claim.number)

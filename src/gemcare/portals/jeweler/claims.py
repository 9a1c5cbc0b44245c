"""The retailer's claims: the list (`/jeweler/claims`), a claim's page with its decision,
lines, photos and the forms of what may be done next (`/jeweler/claims/<number>`), and its
photos, served only to a caller who may see the claim.

Everything is read through the caller (a store's associate sees that store's claims), live
records only, as on the rest of the portal. The page's forms post to `claims_actions`; a
form that fails comes back here with its errors (422) or its refusal (409).
"""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from gemcare.api.claim_schemas import ClaimsQuery
from gemcare.api.selectors import cursor_of, cursor_read
from gemcare.claims.models import APPROVED, IN_STORE, MAX_PHOTOS_PER_CLAIM, ROUTES, STATUSES
from gemcare.claims.selectors import (
    claim_get,
    claim_photo_get,
    claim_view,
    claims_page,
    repair_centers_for_routing,
)
from gemcare.claims.services import claim_photos_add
from gemcare.common.errors import InvalidInput
from gemcare.common.schemas import validate_input
from gemcare.portals.web import FormState, form_errors, jeweler_required

PAGE_SIZE = 25
TEMPLATE = "portals/jeweler/claims/claim.html"
# The forms of a claim's page, each with its own values and errors.
FORMS = ("route_form", "complete_form", "request_form", "photos_form")


def claim_page_render(
    request: HttpRequest,
    number: str,
    *,
    status: int = 200,
    refusal: dict | None = None,
    **forms: FormState,
) -> HttpResponse:
    """A claim's page; `forms` are the ones sent back with what was typed and their errors,
    `refusal` the words and code of a refused action (`refusal["form"]` names its form)."""
    view = claim_view(caller=request.caller, number=number, is_test=False)
    claim = view.claim
    context = {
        "view": view,
        "claim": claim,
        "contract": claim.contract,
        "reimbursement": getattr(claim, "reimbursement", None),
        "work_may_start": claim.status == APPROVED,
        "routes": ROUTES,
        "repair_centers": [(center.code, center.name) for center in repair_centers_for_routing()],
        "photos_left": MAX_PHOTOS_PER_CLAIM - len(view.photos),
        "refusal": refusal,
        "route_form": FormState(
            {
                "route": claim.route or IN_STORE,
                "repair_center": claim.repair_center.code if claim.repair_center_id else "",
            }
        ),
        "complete_form": FormState(),
        "request_form": FormState(),
        "photos_form": FormState(),
    }
    context.update(forms)
    return render(request, TEMPLATE, context, status=status)


@require_safe
@jeweler_required
def claim_page(request: HttpRequest, number: str) -> HttpResponse:
    return claim_page_render(request, number)


@require_safe
@jeweler_required
def claim_list(request: HttpRequest) -> HttpResponse:
    """The caller's claims, newest first, by status, a page at a time (as the partner API
    lists them, `GET /claims`)."""
    values = {name: request.GET.get(name) for name in ("status", "cursor") if request.GET.get(name)}
    context = {"statuses": STATUSES, "rows": [], "next_cursor": None, "status": ""}
    try:
        query = validate_input(ClaimsQuery, values)
    except InvalidInput as error:
        context["form"] = FormState(request.GET, form_errors(error))
        return render(request, "portals/jeweler/claims/list.html", context, status=422)
    rows, next_before = claims_page(
        caller=request.caller,
        is_test=False,
        status=query.status,
        before_id=cursor_read(query.cursor),
        limit=PAGE_SIZE,
    )
    context.update(
        form=FormState(request.GET),
        rows=rows,
        status=query.status or "",
        next_cursor=cursor_of(next_before) if next_before is not None else None,
        paged=bool(query.cursor),
    )
    return render(request, "portals/jeweler/claims/list.html", context)


@require_safe
@jeweler_required
def claim_photo(request: HttpRequest, number: str, photo_id: int) -> HttpResponse:
    """One photo of the caller's claim; another's is "not found" like none at all."""
    photo = claim_photo_get(caller=request.caller, number=number, photo_id=photo_id, is_test=False)
    return photo_response(photo)


def photo_response(photo) -> FileResponse:
    """A stored photo, to be shown in the page and never run as anything else."""
    response = FileResponse(
        default_storage.open(photo.stored_name), content_type=photo.content_type
    )
    response["Content-Disposition"] = f'inline; filename="claim-photo-{photo.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@jeweler_required
def claim_photos(request: HttpRequest, number: str) -> HttpResponse:
    """More photos for a claim (after the filing: the repaired item, a closer look)."""
    claim = claim_get(caller=request.caller, number=number, is_test=False)
    files = request.FILES.getlist("photos")
    if not files:
        error = InvalidInput("photos", None, "choose at least one photo")
        return claim_page_render(
            request, number, status=422, photos_form=FormState({}, form_errors(error))
        )
    try:
        added = claim_photos_add(caller=request.caller, claim=claim, files=files)
    except InvalidInput as error:
        return claim_page_render(
            request, number, status=422, photos_form=FormState({}, form_errors(error))
        )
    messages.success(request, f"{len(added)} photo{'s' if len(added) != 1 else ''} added.")
    return redirect("jeweler:claim", number=claim.number)

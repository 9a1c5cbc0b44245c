"""A holder's claims: the claim form, and a claim's page (the decision, what to do next,
where it stands).

The form is for a holder whose jeweler is unavailable or who moved away: "about you" (the
contact details on file, confirmed or corrected, and why the claim comes here), then
"about the damage" (when, the cause, what is broken among the services the plan covers for
the item, an estimate where the holder has one, photos). It files through
`customer_claim_file` with the holder's caller; the claim's page follows at once with the
decision and the next steps.
"""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gemcare.claims.models import DENIED, MAX_PHOTOS_PER_CLAIM, ClaimDecision
from gemcare.claims.schemas import ReviewRequestIn
from gemcare.claims.selectors import claim_get, claim_photo_get, claim_reason_words
from gemcare.claims.services import claim_photos_add, claim_review_request
from gemcare.common.errors import InvalidInput
from gemcare.contracts.certificates import CAUSE_WORDS, SERVICE_WORDS
from gemcare.contracts.selectors import contract_get, holder_get
from gemcare.portals.customer.schemas import WHY_NOT_THE_JEWELER, CustomerClaimIn
from gemcare.portals.customer.selectors import claim_next_steps, plan_coverage, plan_terms_for
from gemcare.portals.customer.services import customer_claim_file
from gemcare.portals.web import FormState, customer_required, form_errors, form_read
from gemcare.rules import vocabulary

PHOTO_FIELD = "photos"
CAUSE_ORDER = (
    "accidental_damage",
    "wear_and_tear",
    "manufacturing_defect",
    "loss",
    "theft",
    "mysterious_disappearance",
    "abuse",
    "unauthorized_alteration",
    "act_of_god",
)
assert set(CAUSE_ORDER) == vocabulary.CAUSES
YES_NO = [("true", "Yes"), ("false", "No")]


def _rows(contract, form: FormState) -> list[dict]:
    """One row per service the plan covers for the item, with what was typed and the
    errors beside each input."""
    rows = []
    for index, offer in enumerate(plan_coverage(contract)):
        prefix = f"lines.{index}"
        rows.append(
            {
                "index": index,
                "code": offer.code,
                "words": offer.words,
                "max_sizes": offer.max_sizes,
                "asks_sizes": offer.code == "ring_sizing",
                "checked": form.value(f"{prefix}.service") == offer.code,
                "cost": form.value(f"{prefix}.cost"),
                "sizes": form.value(f"{prefix}.sizes"),
                "error_service": form.error(f"{prefix}.service"),
                "error_cost": form.error(f"{prefix}.cost"),
                "error_sizes": form.error(f"{prefix}.sizes"),
            }
        )
    return rows


def _claim_page(request, contract, holder, form: FormState, *, status: int = 200):
    terms = plan_terms_for(contract)
    context = {
        "plan": contract,
        "holder": holder,
        "form": form,
        "rows": _rows(contract, form),
        "causes": [(cause, CAUSE_WORDS[cause]) for cause in CAUSE_ORDER],
        "why_choices": list(WHY_NOT_THE_JEWELER.items()),
        "yes_no": YES_NO,
        "asks_maintenance": terms.requires_maintenance,
        "lines_error": form.error("lines"),
        "photos_error": form.error(PHOTO_FIELD),
    }
    return render(request, "portals/customer/claim_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
@customer_required
def claim_new(request: HttpRequest, number: str) -> HttpResponse:
    contract = contract_get(caller=request.caller, number=number, is_test=False)
    holder = holder_get(caller=request.caller, holder_id=request.caller.holder_id)
    if request.method == "GET":
        initial = {"email": holder.email, "phone": holder.phone, "repairable": "true"}
        if plan_terms_for(contract).requires_maintenance:
            initial["maintenance_done"] = "true"
        return _claim_page(request, contract, holder, FormState(initial))
    try:
        claim = form_read(
            CustomerClaimIn,
            request.POST,
            lists=["lines"],
            booleans=["repairable", "maintenance_done"],
        )
        filed = customer_claim_file(
            caller=request.caller,
            contract=contract,
            claim=claim,
            photos=request.FILES.getlist(PHOTO_FIELD),
        )
    except InvalidInput as error:
        return _claim_page(
            request, contract, holder, FormState(request.POST, form_errors(error)), status=422
        )
    return HttpResponseRedirect(reverse("customer:claim", args=[filed.number]))


def _claim_page_of(request, number: str, *, form: FormState | None = None, status: int = 200):
    found = claim_get(caller=request.caller, number=number, is_test=False)
    lines = list(found.lines.all())
    decisions = list(found.decisions.all())
    context = {
        "claim": found,
        "plan": found.contract,
        "lines": [(line, SERVICE_WORDS.get(line.service, line.service)) for line in lines],
        "reason_words": claim_reason_words(found, lines),
        "decisions": decisions,
        # A denial by the rules alone may go to a person, once (RULEBOOK 4).
        "review_requestable": found.status == DENIED
        and found.review_requested_on is None
        and not any(decision.source == ClaimDecision.ADJUSTER for decision in decisions),
        "steps": claim_next_steps(caller=request.caller, claim=found),
        "cause_words": CAUSE_WORDS.get(found.cause, found.cause),
        "photos": list(found.photos.all()),
        "photos_left": MAX_PHOTOS_PER_CLAIM - found.photos.count(),
        "form": form or FormState(),
        "photos_error": (form or FormState()).error(PHOTO_FIELD),
    }
    return render(request, "portals/customer/claim.html", context, status=status)


@require_safe
@customer_required
def claim(request: HttpRequest, number: str) -> HttpResponse:
    return _claim_page_of(request, number)


@require_POST
@customer_required
def claim_review(request: HttpRequest, number: str) -> HttpResponse:
    """Ask for a person to review the rules' denial (once; refused with its words else)."""
    found = claim_get(caller=request.caller, number=number, is_test=False)
    try:
        asked = form_read(ReviewRequestIn, request.POST)
    except InvalidInput as error:
        return _claim_page_of(
            request, number, form=FormState(request.POST, form_errors(error)), status=422
        )
    claim_review_request(caller=request.caller, claim=found, request=asked)
    messages.success(
        request, "We asked an adjuster to review the decision. The answer will show here."
    )
    return HttpResponseRedirect(reverse("customer:claim", args=[found.number]))


@require_POST
@customer_required
def claim_photos(request: HttpRequest, number: str) -> HttpResponse:
    """More photos for a claim after it was filed."""
    found = claim_get(caller=request.caller, number=number, is_test=False)
    files = request.FILES.getlist(PHOTO_FIELD)
    if not files:
        form = FormState({}, {PHOTO_FIELD: "Choose at least one photo to add."})
        return _claim_page_of(request, number, form=form, status=422)
    try:
        claim_photos_add(caller=request.caller, claim=found, files=files)
    except InvalidInput as error:
        return _claim_page_of(request, number, form=FormState({}, form_errors(error)), status=422)
    messages.success(request, f"{len(files)} photo{'s' if len(files) != 1 else ''} added.")
    return HttpResponseRedirect(reverse("customer:claim", args=[found.number]))


@require_safe
@customer_required
def claim_photo(request: HttpRequest, number: str, photo_id: int) -> HttpResponse:
    """One photo of the holder's claim, shown in the page and never run as anything else."""
    photo = claim_photo_get(caller=request.caller, number=number, photo_id=photo_id, is_test=False)
    response = FileResponse(
        default_storage.open(photo.stored_name), content_type=photo.content_type
    )
    response["Content-Disposition"] = f'inline; filename="claim-photo-{photo.pk}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

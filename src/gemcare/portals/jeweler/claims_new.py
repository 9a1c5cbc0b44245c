"""Filing a claim at the counter: `/jeweler/plans/<number>/claims/new`.

The claim is read with the partner API's own schema (`ApiClaimIn`: the same checks, a
claim filed by the jeweler), the plan being the page's.

One page, in three steps a person reads top to bottom (it works without JavaScript): what
happened (the incident's date, the cause), the work needed (only the services the plan
covers for the item's kind, each with its estimate; the number of sizes for a ring sizing;
whether the item can be repaired; a watch's maintenance), and the photos. Sent, the claim
is filed through `claim_file` (as the partner API files it: a second open claim on the plan
is refused, `claim_open`, and the refusal links to the open one) with its photos
(`claim_photos_add`) in one transaction, and the claim's page shows the decision at once.
The holder is emailed the decision.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from gemcare.api.claim_schemas import ApiClaimIn
from gemcare.claims.errors import ClaimError
from gemcare.claims.models import MAX_PHOTOS_PER_CLAIM
from gemcare.claims.selectors import ClaimForm, claim_form_of, claim_open_on
from gemcare.claims.services import claim_file, claim_photos_add
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.contracts.certificates import CAUSE_WORDS
from gemcare.portals.web import FormState, form_errors, form_read, jeweler_required
from gemcare.rules import vocabulary
from gemcare.rules.products import CoveredService

TEMPLATE = "portals/jeweler/claims/new.html"
BOOLEANS = ("repairable", "maintenance_done")
RING_SIZING = "ring_sizing"


def _takes_sizes(service: CoveredService) -> bool:
    return service.service == RING_SIZING or service.max_sizes is not None


def _cause_choices(form: ClaimForm) -> list[tuple[str, str]]:
    """The plan's causes first; the others after them, said to be not covered (a claim for
    one is denied with its reason, which the holder may then ask a person to review)."""
    covered = sorted(form.causes_covered)
    others = sorted(vocabulary.CAUSES - form.causes_covered)
    return [(cause, CAUSE_WORDS.get(cause, cause)) for cause in covered] + [
        (cause, f"{CAUSE_WORDS.get(cause, cause)} (not covered by this plan)") for cause in others
    ]


def _page(
    request: HttpRequest,
    form: ClaimForm,
    state: FormState,
    *,
    status: int = 200,
    refusal: dict | None = None,
) -> HttpResponse:
    context = {
        "contract": form.contract,
        "claim_form": form,
        "form": state,
        "causes": _cause_choices(form),
        "rows": [
            {
                "service": service,
                "name": f"lines.{index}.service",
                "cost": f"lines.{index}.cost",
                "sizes": f"lines.{index}.sizes" if _takes_sizes(service) else "",
                "sizes_hint": (
                    f"The plan covers at most {service.max_sizes}"
                    if service.max_sizes is not None
                    else "A whole number"
                ),
            }
            for index, service in enumerate(form.services)
        ],
        "refusal": refusal,
        "photos_left": MAX_PHOTOS_PER_CLAIM,
    }
    return render(request, TEMPLATE, context, status=status)


def _claimed_rows_only(post: QueryDict) -> QueryDict:
    """The form offers a row for every covered service; a row whose estimate and sizes are
    left empty is not claimed, so its service goes too and `form_read` drops the row."""
    kept = post.copy()
    for name in list(post):
        if not (name.startswith("lines.") and name.endswith(".service")):
            continue
        row = name.removesuffix(".service")
        if not post.get(f"{row}.cost", "").strip() and not post.get(f"{row}.sizes", "").strip():
            del kept[name]
    return kept


def _open_claim_refusal(request: HttpRequest, form: ClaimForm, error: Refused) -> dict:
    open_claim = claim_open_on(caller=request.caller, contract=form.contract)
    return {
        "code": error.code,
        "message": error.message,
        "open_claim": open_claim.number if open_claim is not None else "",
    }


@jeweler_required
def claim_new(request: HttpRequest, number: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    form = claim_form_of(caller=request.caller, number=number, is_test=False)
    if request.method != "POST":
        state = FormState(
            {"incident": today().isoformat(), "repairable": True, "maintenance_done": True}
        )
        return _page(request, form, state)
    post = _claimed_rows_only(request.POST)
    post.setlist("contract", [form.contract.number])  # the plan is the page's, not the form's
    try:
        claim_in = form_read(ApiClaimIn, post, lists=["lines"], booleans=BOOLEANS).claim_in()
        with transaction.atomic():
            claim = claim_file(
                caller=request.caller,
                contract=form.contract,
                claim=claim_in,
                one_open_claim=True,
                notify_holder=True,
            )
            claim_photos_add(
                caller=request.caller, claim=claim, files=request.FILES.getlist("photos")
            )
    except InvalidInput as error:
        return _page(request, form, FormState(request.POST, form_errors(error)), status=422)
    except Refused as error:
        refusal = {"code": error.code, "message": error.message}
        if error.code == ClaimError.CLAIM_OPEN:
            refusal = _open_claim_refusal(request, form, error)
        return _page(request, form, FormState(request.POST), status=409, refusal=refusal)
    messages.success(request, f"Claim {claim.number} is filed: its decision is below.")
    return redirect("jeweler:claim", number=claim.number)

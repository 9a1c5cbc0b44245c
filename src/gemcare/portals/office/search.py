"""The search across retailers (`/office/search?q=`): contracts and claims by number,
receipt number, holder's name or email. Sensitive holder fields show whole only to the roles
that need them (administrators, the privacy officer), masked to adjusters, by the admin's
rule."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gemcare.common.errors import InvalidInput
from gemcare.common.fields import mask
from gemcare.common.schemas import validate_input
from gemcare.portals.office.access import may_see_sensitive
from gemcare.portals.office.schemas import SearchQuery
from gemcare.portals.office.selectors import office_search
from gemcare.portals.web import FormState, form_errors, office_required

TEMPLATE = "portals/office/search.html"


def _identity(holder, *, whole: bool) -> dict:
    """The sensitive fields a result shows: whole, or masked (none of a date of birth)."""
    if whole:
        return {"ssn": holder.ssn, "date_of_birth": holder.date_of_birth}
    return {"ssn": mask(holder.ssn), "date_of_birth": mask(holder.date_of_birth, visible=0)}


@require_safe
@office_required
def search(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("q"):
        return render(request, TEMPLATE, {"form": FormState(), "searched": False})
    try:
        query = validate_input(SearchQuery, {"q": request.GET["q"]})
    except InvalidInput as error:
        context = {"form": FormState(request.GET, form_errors(error)), "searched": False}
        return render(request, TEMPLATE, context, status=422)
    found = office_search(caller=request.caller, text=query.q)
    whole = may_see_sensitive(request.user)
    context = {
        "form": FormState(request.GET),
        "searched": True,
        "q": query.q,
        "contracts": [
            (contract, _identity(contract.holder, whole=whole)) for contract in found.contracts
        ],
        "claims": found.claims,
        "sensitive_whole": whole,
    }
    return render(request, TEMPLATE, context)

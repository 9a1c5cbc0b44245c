"""The policies list (`/office/insurance/policies`): newest first, searched by a policy's
number or a named insured's name, one page at a time. Every role of the provider's staff
reads it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gemcare.common.errors import InvalidInput
from gemcare.common.schemas import validate_input
from gemcare.portals.office.insurance.policy_access import may_act
from gemcare.portals.office.insurance.policy_schemas import PolicySearchQuery
from gemcare.portals.office.insurance.policy_selectors import policies_search
from gemcare.portals.web import FormState, form_errors, office_required

PAGE = 25
TEMPLATE = "portals/office/insurance/policy_list.html"


@require_safe
@office_required
def policy_list(request: HttpRequest) -> HttpResponse:
    values = {name: request.GET[name] for name in ("q", "before") if request.GET.get(name)}
    try:
        query = validate_input(PolicySearchQuery, values)
    except InvalidInput as error:
        context = {"form": FormState(request.GET, form_errors(error)), "policies": []}
        return render(request, TEMPLATE, context, status=422)
    found = policies_search(
        caller=request.caller, text=query.q, before=query.before, limit=PAGE + 1
    )
    page = found[:PAGE]
    context = {
        "form": FormState({"q": query.q}),
        "q": query.q,
        "policies": page,
        "next_before": page[-1].pk if len(found) > PAGE else None,
        "paged": query.before is not None,
        "may_act": may_act(request.caller),
    }
    return render(request, TEMPLATE, context)

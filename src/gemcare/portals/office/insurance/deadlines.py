"""The deadlines board (`/office/insurance/deadlines`): every clock running on the losses and
the policies, overdue first, then by due date, each saying who must act, with a link to the
loss or the policy. Filtered by kind and by policy number (`?kind=proof_of_loss&policy=...`);
every member of the provider's staff reads it.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, NotFound
from gemcare.common.schemas import InputSchema, code, text, validate_input
from gemcare.insurance.deadlines import KIND_NAMES, deadlines_open
from gemcare.insurance.selectors import policy_get
from gemcare.portals.web import FormState, form_errors, office_required

TEMPLATE = "portals/office/insurance/deadlines.html"


class BoardQuery(InputSchema):
    kind: code(set(KIND_NAMES), "deadline kind") | None = None
    policy: text(20, min_length=1) | None = None


@require_safe
@office_required
def deadlines_board(request: HttpRequest) -> HttpResponse:
    values = {key: request.GET[key] for key in ("kind", "policy") if request.GET.get(key)}
    on = today()
    context = {"on": on, "kinds": sorted(KIND_NAMES.items()), "form": FormState(request.GET)}
    try:
        query = validate_input(BoardQuery, values)
        policy = policy_get(caller=request.caller, number=query.policy) if query.policy else None
    except InvalidInput as error:
        context.update(rows=[], form=FormState(request.GET, form_errors(error)))
        return render(request, TEMPLATE, context, status=422)
    except NotFound:
        errors = {"policy": "is not a policy number"}
        context.update(rows=[], form=FormState(request.GET, errors))
        return render(request, TEMPLATE, context, status=422)
    kinds = [query.kind] if query.kind else None
    rows = deadlines_open(caller=request.caller, on=on, policy=policy, kinds=kinds)
    context.update(rows=rows, overdue=sum(1 for row in rows if row.is_overdue(on)))
    return render(request, TEMPLATE, context)

"""A policy's page in the back office (`/office/insurance/policies/<number>`) and its
declarations page PDF.

The page shows the policy's period and status, its insureds and schedule, installments,
history and deadlines, and the losses reported on it (the losses' own part of the page);
administrators and adjusters find the changes there (an item added, changed or removed, a
payment, a cancellation), each on its own page that shows what it costs or refunds before
it is confirmed. The privacy officer reads the page; its actions answer them 404.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gemcare.common.clock import today
from gemcare.insurance.declarations import declarations_pdf
from gemcare.insurance.models import ScheduledItemFile
from gemcare.portals.office.insurance.policy_access import may_act
from gemcare.portals.office.insurance.policy_file import policy_file, template_or_none
from gemcare.portals.office.insurance.policy_selectors import policy_of
from gemcare.portals.web import FormState, office_required

LOSSES_TEMPLATE = "portals/office/insurance/_policy_losses.html"


def policy_page_render(request: HttpRequest, policy, *, status: int = 200, **extra):
    context = policy_file(caller=request.caller, policy=policy, on=today())
    context.update(
        {
            "may_act": may_act(request.caller) and policy.is_active,
            "losses_template": template_or_none(LOSSES_TEMPLATE),
            "file_kinds": ScheduledItemFile.KINDS,
            "upload_form": FormState(),
            **extra,
        }
    )
    return render(request, "portals/office/insurance/policy.html", context, status=status)


@require_safe
@office_required
def policy_page(request: HttpRequest, number: str) -> HttpResponse:
    return policy_page_render(request, policy_of(caller=request.caller, number=number))


def declarations_response(pdf: bytes, number: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="declarations-{number}.pdf"'
    return response


@require_safe
@office_required
def policy_declarations(request: HttpRequest, number: str) -> HttpResponse:
    policy = policy_of(caller=request.caller, number=number)
    return declarations_response(declarations_pdf(policy), policy.number)

"""A manager's webhook endpoints: the list, registering one (its signing secret shown once,
on the page that answers the form), disabling one, and each endpoint's delivery log with
every attempt, where a delivery can be sent again.

All through `gemcare.webhooks` services and selectors, with the caller of the retailer as a
whole (`manager_caller`): another retailer's endpoint or delivery is "not found". An
endpoint is live or test: a test one receives only the events of test-mode records.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.schemas import validate_input
from gemcare.partners.models import RetailerStaff
from gemcare.portals.jeweler.pages import (
    form_once_issue,
    form_once_spend,
    manager_caller,
    refusal_of,
)
from gemcare.portals.jeweler.schemas import DeliveriesPageIn, EndpointFormIn
from gemcare.portals.web import FormState, form_errors, form_read, jeweler_required
from gemcare.webhooks.models import EVENTS
from gemcare.webhooks.selectors import (
    deliveries_list,
    delivery_get,
    endpoint_get,
    endpoints_list,
)
from gemcare.webhooks.services import delivery_replay, endpoint_create, endpoint_disable

MANAGERS = [RetailerStaff.MANAGER]
ONCE = "webhook_endpoint"
DELIVERIES_PAGE = 25


@require_safe
@jeweler_required(roles=MANAGERS)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    rows = endpoints_list(caller=manager_caller(request))
    return render(request, "portals/jeweler/webhook_list.html", {"rows": rows})


def _form_page(request: HttpRequest, form: FormState, *, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "events": [(event, event) for event in EVENTS],
        "selected_events": form.selected("events"),
        "once": form_once_issue(request, ONCE),
    }
    return render(request, "portals/jeweler/webhook_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
@jeweler_required(roles=MANAGERS)
def endpoint_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, FormState({"events": list(EVENTS)}))
    if not form_once_spend(request, ONCE, request.POST.get("once")):
        messages.info(
            request,
            "This form was already sent. An endpoint's secret is shown once, when it is "
            "registered: if you did not copy it, disable that endpoint and register it again.",
        )
        return HttpResponseRedirect(reverse("jeweler:webhooks"))
    try:
        given = form_read(
            EndpointFormIn, request.POST, lists=["events"], booleans=["is_test"], ignore=["once"]
        )
        created = endpoint_create(
            caller=manager_caller(request), endpoint=given, is_test=given.is_test
        )
    except InvalidInput as error:
        return _form_page(request, FormState(request.POST, form_errors(error)), status=422)
    context = {"endpoint": created.endpoint, "secret": created.secret}
    return render(request, "portals/jeweler/webhook_created.html", context)


@require_POST
@jeweler_required(roles=MANAGERS)
def endpoint_disable_view(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = endpoint_disable(caller=manager_caller(request), endpoint_id=endpoint_id)
    messages.success(request, f"Endpoint {endpoint.url} is disabled: nothing more is sent to it.")
    return HttpResponseRedirect(reverse("jeweler:webhook", args=[endpoint.pk]))


@require_safe
@jeweler_required(roles=MANAGERS)
def endpoint_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """An endpoint and its delivery log, newest first, each delivery with its attempts."""
    caller = manager_caller(request)
    endpoint = endpoint_get(caller=caller, endpoint_id=endpoint_id)
    values = {name: value for name, value in request.GET.dict().items() if value != ""}
    try:
        page = validate_input(DeliveriesPageIn, values)
    except InvalidInput as error:
        context = {"endpoint": endpoint, "rows": [], "problem": error.message, "field": error.field}
        return render(request, "portals/jeweler/webhook_detail.html", context, status=422)
    rows = deliveries_list(
        caller=caller, endpoint_id=endpoint.pk, before_id=page.before, limit=DELIVERIES_PAGE + 1
    )
    more = len(rows) > DELIVERIES_PAGE
    rows = rows[:DELIVERIES_PAGE]
    context = {
        "endpoint": endpoint,
        "rows": rows,
        "next_before": rows[-1].pk if more else None,
        "paged": page.before is not None,
    }
    return render(request, "portals/jeweler/webhook_detail.html", context)


@require_POST
@jeweler_required(roles=MANAGERS)
def delivery_replay_view(request: HttpRequest, webhook_id: str) -> HttpResponse:
    caller = manager_caller(request)
    try:
        delivery = delivery_replay(caller=caller, webhook_id=webhook_id)
    except Refused as error:
        delivery = delivery_get(caller=caller, webhook_id=webhook_id)
        endpoint = delivery.endpoint
        rows = deliveries_list(caller=caller, endpoint_id=endpoint.pk, limit=DELIVERIES_PAGE)
        context = {"endpoint": endpoint, "rows": rows, "refusal": refusal_of(error)}
        return render(request, "portals/jeweler/webhook_detail.html", context, status=409)
    messages.success(request, f"Delivery {delivery.webhook_id} is being sent again.")
    return HttpResponseRedirect(reverse("jeweler:webhook", args=[delivery.endpoint_id]))

"""A policyholder's losses on the customer site.

- `/my-policy/<number>/losses/new`: report a loss on their own policy (the date, the item,
  what happened, where, the police report for a theft). The report is dated today; staff
  take it from there.
- `/my-policy/<number>/losses/<id>`: where the loss stands, every clock running on it and
  who must act, and the settlement step by step once the amount is agreed.

Every page reads with the policyholder's caller: another policy, or a loss on another
policy, is "not found", exactly like one that does not exist.
"""

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from pydantic import Field

from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.schemas import InputSchema, PastDay, text, validate_input
from gemcare.insurance.loss_schemas import MAX_NOTE, LossReportIn, Peril
from gemcare.insurance.loss_selectors import loss_clocks, loss_file_get, loss_get
from gemcare.insurance.models import Loss, LossFile
from gemcare.insurance.schemas import ItemRef
from gemcare.insurance.selectors import policy_get
from gemcare.insurance.services import loss_report
from gemcare.portals.office.insurance.loss_pages import files_add_from, loss_file_response
from gemcare.portals.web import FormState, form_errors, form_read
from gemcare.portals.web.access import policyholder_required
from gemcare.rules import vocabulary


class PolicyholderLossIn(InputSchema):
    """What a policyholder tells about a loss; the rest (the report's date, the repair for
    wear and tear, the plan identifiers) is for staff."""

    loss_on: PastDay
    peril: Peril
    item_ref: ItemRef
    known_on: PastDay | None = None
    place: text(200) = ""
    description: text(MAX_NOTE) = ""
    police_report: text(64) = Field(default="")


PERIL_WORDS = {
    "theft": "Stolen",
    "mysterious_disappearance": "Disappeared, I do not know how",
    "accidental_damage": "Damaged in an accident",
    "fire": "Fire",
    "flood": "Flood",
    "earthquake": "Earthquake",
}


def _choices(policy) -> dict:
    perils = [(code, words) for code, words in PERIL_WORDS.items() if code in vocabulary.PERILS]
    items = [
        (item.ref, f"{item.kind.capitalize()}{f', {item.description}' if item.description else ''}")
        for item in policy.items.filter(status="scheduled").order_by("id")
    ]
    return {"perils": perils, "items": items}


def _report_of(request: HttpRequest, on: dt.date) -> LossReportIn:
    told = form_read(PolicyholderLossIn, request.POST)
    reported_on = max(on, told.known_on or told.loss_on)
    values = told.model_dump(mode="json") | {"reported_on": reported_on.isoformat()}
    return validate_input(LossReportIn, values)


@require_http_methods(["GET", "HEAD", "POST"])
@policyholder_required
def policy_loss_new(request: HttpRequest, number: str) -> HttpResponse:
    policy = policy_get(caller=request.caller, number=number)
    form, status, refusal = FormState(), 200, None
    if request.method == "POST":
        try:
            data = _report_of(request, today())
            loss = loss_report(caller=request.caller, policy=policy, data=data)
        except InvalidInput as error:
            form, status = FormState(request.POST, form_errors(error)), 422
        except Refused as error:
            form, status = FormState(request.POST), 409
            refusal = {"code": error.code, "message": error.message}
        else:
            messages.success(request, "Thank you: your loss is reported. We will be in touch.")
            return redirect("customer:policy_loss", number=policy.number, loss_id=loss.pk)
    context = {"policy": policy, "form": form, "choices": _choices(policy), "refusal": refusal}
    return render(request, "portals/customer/insurance/loss_new.html", context, status=status)


def _loss_render(request, policy, loss, *, status: int = 200, form: FormState | None = None):
    context = {
        "policy": policy,
        "loss": loss,
        "on": today(),
        "clocks": loss_clocks(loss),
        "agreed": loss.amount_agreed_on is not None and loss.status != Loss.DENIED,
        "files": list(loss.files.all()),
        "file_kinds": LossFile.KINDS,
        "form": form or FormState(),
    }
    return render(request, "portals/customer/insurance/loss.html", context, status=status)


@require_safe
@policyholder_required
def policy_loss(request: HttpRequest, number: str, loss_id: int) -> HttpResponse:
    policy = policy_get(caller=request.caller, number=number)
    return _loss_render(
        request, policy, loss_get(caller=request.caller, loss_id=loss_id, policy=policy)
    )


@require_POST
@policyholder_required
def policy_loss_files(request: HttpRequest, number: str, loss_id: int) -> HttpResponse:
    """Photos of the damage, or the police report's copy (a PDF)."""
    policy = policy_get(caller=request.caller, number=number)
    loss = loss_get(caller=request.caller, loss_id=loss_id, policy=policy)
    try:
        files_add_from(request, loss)
    except InvalidInput as error:
        return _loss_render(
            request, policy, loss, status=422, form=FormState({}, form_errors(error))
        )
    messages.success(request, "Thank you: the files are added to your loss.")
    return redirect("customer:policy_loss", number=policy.number, loss_id=loss.pk)


@require_safe
@policyholder_required
def policy_loss_file(request: HttpRequest, number: str, loss_id: int, file_id: int):
    policy = policy_get(caller=request.caller, number=number)
    loss = loss_get(caller=request.caller, loss_id=loss_id, policy=policy)
    return loss_file_response(loss_file_get(caller=request.caller, loss=loss, file_id=file_id))

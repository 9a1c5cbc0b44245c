"""The loss pages of the back office: reporting a loss on a policy
(`/office/insurance/policies/<number>/losses/new`) and a loss's file
(`/office/insurance/losses/<id>`), where staff take its steps.

The file shows the facts, where the loss stands, every clock still running and who must
act, the settlement step by step (RULEBOOK 6.1), the plan contract that also covers the item
(or the contracts that match its serial or grading-report number), and every step so far.
Its forms are the steps the loss's status allows, each posted to
`/office/insurance/losses/<id>/<step>` and read into the service's own input; administrators
and adjusters take them, the privacy officer reads the page and the steps answer them 404.
"""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from pydantic import create_model

from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.schemas import InputSchema
from gemcare.insurance import loss_schemas, services
from gemcare.insurance.loss_selectors import (
    loss_clocks,
    loss_file_get,
    loss_get,
    loss_history,
    loss_plan_matches,
)
from gemcare.insurance.models import Loss, LossFile
from gemcare.insurance.selectors import policy_get
from gemcare.partners.models import Retailer
from gemcare.portals.office.access import DECIDERS, may_decide
from gemcare.portals.web import FormState, form_errors, form_read, office_required
from gemcare.rules import vocabulary

# Each step of a loss: its form's input (the service's own schema) and its service.
STEPS = {
    "proof": (loss_schemas.LossStepIn, services.loss_proof_request),
    "agree": (loss_schemas.LossAgreeIn, services.loss_agree),
    "plan": (loss_schemas.LossPlanLinkIn, services.loss_plan_link),
    "demand": (loss_schemas.AppraisalDemandIn, services.loss_appraisal_demand),
    "appraiser": (loss_schemas.AppraiserNameIn, services.loss_appraiser_name),
    "umpire": (loss_schemas.UmpireNameIn, services.loss_umpire_name),
    "award": (loss_schemas.LossAgreeIn, services.loss_appraisal_award),
    "settle": (loss_schemas.LossSettleIn, services.loss_settle),
    "recovery": (loss_schemas.LossRecoveryIn, services.loss_recovery_record),
    "close": (loss_schemas.LossStepIn, services.loss_close),
}
# A form's inputs are named `<step>.<field>`, so several forms share one page.
STEP_FORMS = {
    step: create_model(f"{step.capitalize()}Form", __base__=InputSchema, **{step: (schema, ...)})
    for step, (schema, _) in STEPS.items()
}
STEP_WORDS = {
    "proof": "Proof of loss requested",
    "agree": "Amount agreed",
    "plan": "Service plan linked",
    "demand": "Appraisal demanded",
    "appraiser": "Appraiser named",
    "umpire": "Umpire named",
    "award": "Appraisal award recorded",
    "settle": "Settled",
    "recovery": "Recovery recorded",
    "close": "Closed",
}


def loss_steps_open(loss: Loss) -> list[str]:
    """The steps the loss's status allows now, in the order the page offers them."""
    if loss.status in {Loss.REPORTED, Loss.PROOF_REQUESTED}:
        steps = ["agree", "demand"]
        if loss.status == Loss.REPORTED:
            steps.insert(0, "proof")
        return [*steps, *([] if loss.plan_claim_id else ["plan"])]
    if loss.status == Loss.APPRAISAL:
        steps = []
        if loss.insured_appraiser_named_on is None or loss.insurer_appraiser_named_on is None:
            steps.append("appraiser")
        elif loss.umpire_named_on is None:
            steps.append("umpire")
        return [*steps, "award", *([] if loss.plan_claim_id else ["plan"])]
    if loss.status == Loss.AGREED:
        return ["settle"]
    recoverable = loss.settled_by in {Loss.PAYMENT, Loss.REPLACEMENT} and not loss.recovered_on
    if loss.status == Loss.SETTLED:
        return [*(["recovery"] if recoverable else []), "close"]
    if loss.status == Loss.CLOSED and recoverable:
        return ["recovery"]
    return []


def loss_file_render(
    request: HttpRequest,
    loss: Loss,
    *,
    status: int = 200,
    failed: str | None = None,
    form: FormState | None = None,
    refusal: dict | None = None,
) -> HttpResponse:
    on = today()
    steps = loss_steps_open(loss) if may_decide(request.caller) else []
    forms = {step: FormState({f"{step}.on": on.isoformat()}) for step in steps}
    if failed is not None and form is not None:
        forms[failed] = form
    context = {
        "loss": loss,
        "policy": loss.policy,
        "on": on,
        "clocks": loss_clocks(loss),
        "history": loss_history(loss),
        "matches": loss_plan_matches(caller=request.caller, loss=loss)
        if loss.plan_contract_id is None
        else [],
        "step_forms": [(step, forms[step]) for step in steps],
        "files": list(loss.files.all()),
        "file_kinds": LossFile.KINDS,
        "may_upload": may_decide(request.caller),
        "failed": failed,
        "form": form or FormState(),
        "refusal": refusal,
        "sides": [("insured", "The insured"), ("insurer", "The insurer")],
        "settlements": Loss.SETTLEMENTS,
        "jewelers": [
            (retailer.code, retailer.name)
            for retailer in Retailer.objects.filter(is_active=True).order_by("name")
        ],
    }
    return render(request, "portals/office/insurance/loss.html", context, status=status)


@require_safe
@office_required
def loss_page(request: HttpRequest, loss_id: int) -> HttpResponse:
    return loss_file_render(request, loss_get(caller=request.caller, loss_id=loss_id))


@require_POST
@office_required(roles=DECIDERS)
def loss_step(request: HttpRequest, loss_id: int, step: str) -> HttpResponse:
    loss = loss_get(caller=request.caller, loss_id=loss_id)
    if step not in STEPS:
        raise Http404("no such step")
    service = STEPS[step][1]
    try:
        data = getattr(form_read(STEP_FORMS[step], request.POST, nested=[step]), step)
        loss = service(caller=request.caller, loss=loss, data=data)
    except InvalidInput as error:
        if not error.field.startswith(f"{step}."):  # the service names its schema's field
            error = InvalidInput(f"{step}.{error.field}", None, error.message, code=error.code)
        return loss_file_render(
            request,
            loss_get(caller=request.caller, loss_id=loss_id),
            status=422,
            failed=step,
            form=FormState(request.POST, form_errors(error)),
        )
    except Refused as error:
        return loss_file_render(
            request,
            loss_get(caller=request.caller, loss_id=loss_id),
            status=409,
            failed=step,
            form=FormState(request.POST),
            refusal={"code": error.code, "message": error.message},
        )
    messages.success(request, f"Loss {loss.pk}: {STEP_WORDS[step].lower()}.")
    return redirect("office:loss", loss_id=loss.pk)


def report_choices(policy) -> dict:
    return {
        "items": [
            (item.ref, f"{item.ref}: {item.kind}, limit ${item.limit:,.2f}")
            for item in policy.items.filter(status="scheduled").order_by("id")
        ],
        "perils": [(peril, peril.replace("_", " ")) for peril in sorted(vocabulary.PERILS)],
        "repairs": [
            (repair, repair.replace("_", " "))
            for repair in sorted(vocabulary.WEAR_AND_TEAR_REPAIRS)
        ],
    }


@require_http_methods(["GET", "HEAD", "POST"])
@office_required(roles=DECIDERS)
def loss_new(request: HttpRequest, number: str) -> HttpResponse:
    policy = policy_get(caller=request.caller, number=number)
    form, status = FormState({"reported_on": today().isoformat()}), 200
    if request.method == "POST":
        try:
            data = form_read(loss_schemas.LossReportIn, request.POST)
            loss = services.loss_report(caller=request.caller, policy=policy, data=data)
        except InvalidInput as error:
            form, status = FormState(request.POST, form_errors(error)), 422
        except Refused as error:
            form, status = FormState(request.POST, {"item_ref": error.message}), 409
        else:
            said = f"Loss {loss.pk} reported on policy {policy.number}"
            if loss.status == Loss.DENIED:
                said += f": not covered ({loss.reason_words})"
            messages.success(request, said + ".")
            return redirect("office:loss", loss_id=loss.pk)
    context = {"policy": policy, "form": form, "choices": report_choices(policy)}
    return render(request, "portals/office/insurance/loss_new.html", context, status=status)


def loss_file_response(file: LossFile) -> FileResponse:
    """A stored file, to be shown (a photo) or downloaded (a PDF), never run as anything
    else."""
    response = FileResponse(default_storage.open(file.stored_name), content_type=file.content_type)
    disposition = "inline" if file.kind == LossFile.PHOTO else "attachment"
    extension = file.stored_name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = (
        f'{disposition}; filename="loss-{file.kind}-{file.pk}.{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def files_add_from(request: HttpRequest, loss: Loss):
    """Add the files of the upload form; InvalidInput names `files` or `kind`."""
    kind = request.POST.get("kind", LossFile.PHOTO)
    files = request.FILES.getlist("files")
    if not files:
        raise InvalidInput("files", None, "choose at least one file")
    return services.loss_files_add(caller=request.caller, loss=loss, kind=kind, files=files)


@require_POST
@office_required(roles=DECIDERS)
def loss_files(request: HttpRequest, loss_id: int) -> HttpResponse:
    loss = loss_get(caller=request.caller, loss_id=loss_id)
    try:
        added = files_add_from(request, loss)
    except InvalidInput as error:
        return loss_file_render(
            request, loss, status=422, failed="files", form=FormState({}, form_errors(error))
        )
    messages.success(request, f"Loss {loss.pk}: {len(added)} file(s) added.")
    return redirect("office:loss", loss_id=loss.pk)


@require_safe
@office_required
def loss_file(request: HttpRequest, loss_id: int, file_id: int) -> HttpResponse:
    loss = loss_get(caller=request.caller, loss_id=loss_id)
    return loss_file_response(loss_file_get(caller=request.caller, loss=loss, file_id=file_id))

"""Photos and appraisal documents of a policy's scheduled items: kept through
`scheduled_item_file_add` (type and size checked from the content, a photo redrawn without
its metadata) and shown only through these views, which fetch the policy with the caller
first. Both portals use them: staff on the policy's page, a policyholder on their own."""

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from gemcare.common.errors import InvalidInput, Refused
from gemcare.insurance.models import ScheduledItemFile
from gemcare.insurance.services import scheduled_item_file_add
from gemcare.portals.office.insurance.policy_access import POLICY_ACTORS
from gemcare.portals.office.insurance.policy_pages import policy_page_render
from gemcare.portals.office.insurance.policy_selectors import (
    policy_item_file_get,
    policy_of,
    scheduled_item_of,
)
from gemcare.portals.web import FormState, form_errors, office_required

UPLOAD_FIELD = "upload"


def stored_file_response(stored: ScheduledItemFile) -> FileResponse:
    """A stored photo or PDF, shown in the page or downloaded, never run as anything else."""
    content_type = mimetypes.guess_type(stored.file.name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(stored.file.name), content_type=content_type)
    disposition = "inline" if content_type.startswith("image/") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="item-file-{stored.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def file_add(request: HttpRequest, policy, ref: str):
    """Keep the uploaded file; the InvalidInput (by field) or Refused of the service rise."""
    upload = request.FILES.get(UPLOAD_FIELD)
    if upload is None:
        raise InvalidInput(UPLOAD_FIELD, None, "choose a file")
    kind = request.POST.get("kind", "")
    return scheduled_item_file_add(
        caller=request.caller, policy=policy, item_ref=ref, kind=kind, upload=upload
    )


@require_POST
@office_required(roles=POLICY_ACTORS)
def policy_item_file_add(request: HttpRequest, number: str, ref: str) -> HttpResponse:
    policy = policy_of(caller=request.caller, number=number)
    scheduled_item_of(policy=policy, ref=ref)
    try:
        file_add(request, policy, ref)
    except InvalidInput as error:
        return policy_page_render(
            request,
            policy,
            status=422,
            upload_ref=ref,
            upload_form=FormState(request.POST, form_errors(error)),
        )
    except Refused as error:
        refusal = {"code": error.code, "message": error.message}
        return policy_page_render(request, policy, status=409, upload_ref=ref, refusal=refusal)
    return redirect("office:policy", number=policy.number)


@require_safe
@office_required
def policy_item_file(request: HttpRequest, number: str, file_id: int) -> HttpResponse:
    return stored_file_response(
        policy_item_file_get(caller=request.caller, number=number, file_id=file_id)
    )

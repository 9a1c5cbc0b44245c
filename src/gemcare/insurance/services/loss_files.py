"""Photos of the damage and the police report's copy, on a loss.

`gemcare.common.uploads.upload_store` checks each file from its content (a photo: JPEG, PNG
or WebP within the size and pixel limits, redrawn without EXIF, so no GPS position; a police
report: a PDF) and stores it under a random name in `losses/<id>/`. The provider's staff and
the policyholder of the loss's policy add them; they are read only through a page that checks
the same (`loss_file_get`), never from a public URL.
"""

from collections.abc import Iterable

from django.db import transaction

from gemcare.common import locking
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import InvalidInput, NotFound
from gemcare.common.uploads import DOCUMENT, PHOTO, uploads_count_check, uploads_store
from gemcare.insurance.models import Loss, LossFile
from gemcare.insurance.models.losses import MAX_FILES_PER_LOSS

# The form's name for the files, as a refusal names it.
FIELD = "files"
UPLOAD_KINDS = {LossFile.PHOTO: PHOTO, LossFile.POLICE_REPORT: DOCUMENT}


@transaction.atomic
def loss_files_add(*, caller: Caller, loss: Loss, kind: str, files: Iterable) -> list[LossFile]:
    """Add files of one kind to a loss the caller may see; none given adds nothing. A file
    that is not of the kind, or is too large, refuses them all (InvalidInput naming `files`)
    and leaves no file stored; so does passing the loss's limit."""
    caller_required(caller)
    if not isinstance(loss, Loss) or loss.pk is None:
        raise TypeError("a loss service needs a saved Loss")
    if not (caller.is_provider or (caller.is_policyholder and caller.policy_id == loss.policy_id)):
        raise NotFound("loss", loss.pk)
    if kind not in UPLOAD_KINDS:
        raise InvalidInput("kind", kind, "is not a kind of file a loss takes")
    files = list(files)
    locking.policy_lock(loss.policy_id)
    if not files:
        return []
    uploads_count_check(
        field=FIELD,
        adding=len(files),
        held=LossFile.objects.filter(loss_id=loss.pk).count(),
        most=MAX_FILES_PER_LOSS,
        noun="file",
        record="loss",
        code="too_many_files",
    )
    added = uploads_store(
        files,
        kind=UPLOAD_KINDS[kind],
        folder=f"losses/{loss.pk}",
        field=FIELD,
        row=lambda name, content_type, size: LossFile.objects.create(
            loss=loss,
            kind=kind,
            stored_name=name,
            content_type=content_type,
            size=size,
            uploaded_by=caller.label,
        ),
    )
    audit_record(
        caller=caller,
        action="loss_files_added",
        entity=loss,
        data={"kind": kind, "files": len(added)},
    )
    return added

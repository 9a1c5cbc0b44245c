"""Photos and appraisal documents of scheduled items, through `gemcare.common.uploads`
(type and size checked from the content, a photo redrawn without its metadata: no GPS
position of the insured's home leaves with it)."""

from django.db import transaction

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput
from gemcare.common.uploads import DOCUMENT, PHOTO, upload_store
from gemcare.insurance.models import Policy, ScheduledItemFile
from gemcare.insurance.services._common import policy_locked

# What each kind of an item's file is stored as.
UPLOAD_KINDS = {ScheduledItemFile.PHOTO: PHOTO, ScheduledItemFile.APPRAISAL: DOCUMENT}
MAX_FILES_PER_ITEM = 20


@transaction.atomic
def scheduled_item_file_add(
    *, caller: Caller, policy: Policy, item_ref: str, kind: str, upload
) -> ScheduledItemFile:
    """Keep a photo or the appraisal document (a PDF) of one of the policy's items."""
    policy = policy_locked(caller, policy, policyholder_allowed=True)
    if kind not in UPLOAD_KINDS:
        raise InvalidInput("kind", kind, "must be photo or appraisal")
    item = policy.items.filter(ref=item_ref).first() if isinstance(item_ref, str) else None
    if item is None:
        raise InvalidInput("item_ref", item_ref, "is not an item of this policy")
    if item.files.count() >= MAX_FILES_PER_ITEM:
        raise InvalidInput("upload", None, f"an item keeps at most {MAX_FILES_PER_ITEM} files")
    name = upload_store(
        upload,
        kind=UPLOAD_KINDS[kind],
        folder=f"policies/{policy.number.lower()}/item-{item.pk}",
        field="upload",
    )
    stored = ScheduledItemFile.objects.create(item=item, kind=kind, file=name, uploaded_on=today())
    audit_record(
        caller=caller,
        action="scheduled_item_file_added",
        entity=item,
        data={"policy": policy.number, "ref": item.ref, "kind": kind},
    )
    return stored

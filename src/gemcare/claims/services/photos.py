"""Photos of a claimed item: checked, stripped of their metadata and stored, at most
`MAX_PHOTOS_PER_CLAIM` per claim.

`gemcare.common.uploads.upload_store` checks each file from its content (JPEG, PNG or WebP,
within the size and pixel limits), redraws it without EXIF (no GPS position), and stores it
under a random name in `claims/<claim number>/`. A claim's photos are added by anyone who
may see the claim (its jeweler, its holder, the provider's staff) and read only through a
page that checks the same (`claim_photo_get`), never from a public URL.
"""

import os
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import transaction

from gemcare.claims.errors import ClaimError
from gemcare.claims.models import MAX_PHOTOS_PER_CLAIM, Claim, ClaimPhoto
from gemcare.claims.services._common import claim_locked_for
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput
from gemcare.common.uploads import PHOTO, upload_store

CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
# The form's name for the files, as a refusal names it.
FIELD = "photos"


@transaction.atomic
def claim_photos_add(*, caller: Caller, claim: Claim, files: Iterable) -> list[ClaimPhoto]:
    """Add photos to a claim the caller may see; none given adds nothing. A file that is not
    a photo, or is too large, refuses them all (InvalidInput naming `photos`) and leaves no
    file stored; so does passing the claim's limit (`too_many_photos`)."""
    files = list(files)
    contract, claim = claim_locked_for(caller, claim)
    if not files:
        return []
    held = ClaimPhoto.objects.filter(claim_id=claim.pk).count()
    if held + len(files) > MAX_PHOTOS_PER_CLAIM:
        raise InvalidInput(
            FIELD,
            None,
            f"holds {len(files)} photo{'s' if len(files) != 1 else ''}: a claim carries at most "
            f"{MAX_PHOTOS_PER_CLAIM} and this one has {held}",
            code=ClaimError.TOO_MANY_PHOTOS,
        )
    stored: list[str] = []
    try:
        for file in files:
            stored.append(
                upload_store(file, kind=PHOTO, folder=f"claims/{claim.number}", field=FIELD)
            )
        photos = [
            ClaimPhoto.objects.create(
                claim=claim,
                stored_name=name,
                content_type=CONTENT_TYPES[os.path.splitext(name)[1]],
                size=default_storage.size(name),
                uploaded_by=caller.label,
            )
            for name in stored
        ]
    except BaseException:
        # Nothing of a refused call stays behind, in the database or in the storage.
        for name in stored:
            default_storage.delete(name)
        raise
    audit_record(
        caller=caller,
        action="claim_photos_added",
        entity=claim,
        tenant_id=contract.retailer_id,
        data={"photos": len(photos)},
    )
    return photos

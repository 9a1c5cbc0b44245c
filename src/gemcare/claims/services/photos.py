"""Photos of a claimed item: checked, stripped of their metadata and stored, at most
`MAX_PHOTOS_PER_CLAIM` per claim.

`gemcare.common.uploads.upload_store` checks each file from its content (JPEG, PNG or WebP,
within the size and pixel limits), redraws it without EXIF (no GPS position), and stores it
under a random name in `claims/<claim number>/`. A claim's photos are added by anyone who
may see the claim (its jeweler, its holder, the provider's staff) and read only through a
page that checks the same (`claim_photo_get`), never from a public URL.
"""

from collections.abc import Iterable

from django.db import transaction

from gemcare.claims.errors import ClaimError
from gemcare.claims.models import MAX_PHOTOS_PER_CLAIM, Claim, ClaimPhoto
from gemcare.claims.services._common import claim_locked_for
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.uploads import PHOTO, uploads_count_check, uploads_store

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
    uploads_count_check(
        field=FIELD,
        adding=len(files),
        held=ClaimPhoto.objects.filter(claim_id=claim.pk).count(),
        most=MAX_PHOTOS_PER_CLAIM,
        noun="photo",
        record="claim",
        code=ClaimError.TOO_MANY_PHOTOS,
    )
    photos = uploads_store(
        files,
        kind=PHOTO,
        folder=f"claims/{claim.number}",
        field=FIELD,
        row=lambda name, content_type, size: ClaimPhoto.objects.create(
            claim=claim,
            stored_name=name,
            content_type=content_type,
            size=size,
            uploaded_by=caller.label,
        ),
    )
    audit_record(
        caller=caller,
        action="claim_photos_added",
        entity=claim,
        tenant_id=contract.retailer_id,
        data={"photos": len(photos)},
    )
    return photos

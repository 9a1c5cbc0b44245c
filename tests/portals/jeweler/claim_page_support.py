"""What the jeweler portal's claim tests share: plans sold at a store of retailer A, claims
filed through the portal, photos, and the state that a refused call must leave alone."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from factories import file_claim, row_counts, sell
from PIL import Image

from gemcare.claims.models import ClaimPhoto
from gemcare.common.clock import today

GOOD_LINES = {"lines.0.service": "prong_repair", "lines.0.cost": "85.00"}


def plan_at(store, product="ljpp-lifetime", *, days_ago=90, **options):
    """A plan sold at `store`, old enough that a claim today is past any return window."""
    return sell(
        product,
        store.state,
        purchased=today() - dt.timedelta(days=days_ago),
        store=store,
        **options,
    )


def claim_at(store, *lines, product="ljpp-lifetime", **claim):
    """A claim filed today on a plan of `store` (through the service, as the API files)."""
    contract = plan_at(store, product)
    on = today().isoformat()
    claim.setdefault("filed", on)
    claim.setdefault("incident", on)
    return file_claim(contract, *(lines or (("prong_repair", "85.00"),)), **claim)


def photo_file(name: str = "IMG_1.jpg", kind: str = "JPEG") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), "green").save(out, kind)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def everything() -> tuple:
    """What a refused call must not change: every written model's count and the photos."""
    return row_counts(), ClaimPhoto.objects.count()

"""What the back office's tests share: claims waiting for a person, and the state a refused
call must leave alone."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from factories import file_claim, holder_data, row_counts, sell, snapshot
from PIL import Image

from gemcare.claims.models import ClaimPhoto
from gemcare.claims.schemas import ReviewRequestIn
from gemcare.claims.services import claim_review_request
from gemcare.common.callers import Caller
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import Cancellation, RefundPayment


def awaiting_review(store=None, **sale):
    """A 1,800.00 claim on a care plan: above 1,500.00, so it waits for an adjuster."""
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00", store=store, **sale)
    return file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")


def asked_for_a_person(store=None, *, filed="2024-06-10", **sale):
    """A claim the rules denied (theft), whose holder asked for a person."""
    contract = sell("ljpp-lifetime", price="1200.00", store=store, **sale)
    claim = file_claim(
        contract,
        ("prong_repair", "300.00"),
        ("stone_tightening", "100.00"),
        cause="theft",
        filed=filed,
    )
    return claim_review_request(
        caller=Caller.holder(contract.holder),
        claim=claim,
        request=validate_input(ReviewRequestIn, {"reason": "Nothing was stolen."}),
    )


def photo_file() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), "purple").save(out, "JPEG")
    return SimpleUploadedFile("IMG.jpg", out.getvalue(), content_type="image/jpeg")


def everything() -> tuple:
    return (
        row_counts(),
        ClaimPhoto.objects.count(),
        Cancellation.objects.count(),
        (RefundPayment.objects.count()),
    )


def unchanged(*rows) -> tuple:
    return tuple(snapshot(row) for row in rows), everything()


def text_of(response) -> str:
    return response.content.decode()


def has_h1(page: str) -> bool:
    return len(re.findall(r"<h1[ >]", page)) == 1


__all__ = ["holder_data"]

"""The declarations page read back as text, its email, and the photos and appraisal
documents of scheduled items."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from insurance_factories import RING, SYSTEM, bind
from PIL import ExifTags, Image
from policy_lifecycle_factories import change_item, day, lifecycle_counts, policyholder_of
from pypdf import PdfReader

from gemcare.common.clock import clock_set
from gemcare.common.errors import InvalidInput, NotFound
from gemcare.insurance.declarations import declarations_pdf
from gemcare.insurance.models import ScheduledItemFile
from gemcare.insurance.services import scheduled_item_file_add
from gemcare.insurance.services.notices import declarations_email


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_declarations_page_shows_the_policy(presets):
    policy = bind(
        installments=12,
        value_adjustment=True,
        named_insureds=[{"name": "Ann Lee", "email": "ann@example.com"}, {"name": "Zoë Łukasz"}],
        items=[
            dict(RING, serial_number="SN-77", grading_report_number="GIA 2141438171"),
            {
                "ref": "w1",
                "kind": "watch",
                "description": "Steel diver",
                "limit": "4200.00",
                "possessed_by": "Zoë Łukasz",
                "appraisal_value": "4300.00",
                "appraised_on": "2024-11-02",
            },
        ],
    )
    change_item(policy=policy, ref="w1", on="2025-03-01", limit="4500.00")
    policy.refresh_from_db()
    text = pdf_text(declarations_pdf(policy))
    compact = " ".join(text.split())
    for words in (
        policy.number,
        "2025-01-01 to 2026-01-01",
        "Ann Lee",
        "Zoë Łukasz",
        "1 Main St, Madison",
        "r1: ring, Solitaire. Limit 8,000.00 USD",
        "w1: watch, Steel diver. Limit 4,500.00 USD",
        "Serial SN-77; grading report GIA 2141438171",
        "Appraised at 4,300.00 USD on 2024-11-02; in the possession of Zoë Łukasz",
        "Premium for the period: 149.42 USD",
        "12 monthly installments",
        "(fee 2.50 USD included)",
        "100.00 USD per item, per occurrence",
        "The insurance value adjustment applies",
        "Item w1: limit changed from 4,200.00 to 4,500.00",
    ):
        assert words in compact, words
    # premium: 96.00 + 50.40 for w1, then 3.60 a year more x 306/365 = 3.02 for the change
    policy.refresh_from_db()
    assert policy.premium == Decimal("149.42")


def test_the_page_without_installments_or_adjustment(presets):
    policy = bind()
    compact = " ".join(pdf_text(declarations_pdf(policy)).split())
    assert "Paid in full." in compact
    assert "does not apply" in compact
    assert "Endorsements None in this period." in compact
    assert "Premium for the period: 96.00 USD" in compact


def test_the_declarations_are_emailed_with_the_pdf(presets):
    policy = bind(
        named_insureds=[
            {"name": "Ann Lee", "email": "ann@example.com"},
            {"name": "Bo Lee", "email": "bo@example.com"},
            {"name": "No Email"},
        ]
    )
    assert declarations_email(policy_id=policy.pk, reason="bind") == 2
    assert [message.to for message in mail.outbox] == [["ann@example.com"], ["bo@example.com"]]
    message = mail.outbox[0]
    assert policy.number in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"declarations-{policy.number}.pdf", "application/pdf")
    assert policy.number in pdf_text(content)
    assert "Hello Ann Lee" in message.body


def test_a_bind_sends_the_declarations_after_commit(presets, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        bind()
    assert len(callbacks) == 1


def test_declarations_need_a_saved_policy():
    from gemcare.insurance.models import Policy

    with pytest.raises(TypeError):
        declarations_pdf(Policy())


# --- photos and appraisal documents ------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N"}
    exif[ExifTags.Base.Make] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("ring.jpg", out.getvalue(), content_type="image/jpeg")


def appraisal() -> SimpleUploadedFile:
    return SimpleUploadedFile("appraisal.pdf", declarations_pdf_bytes(), "application/pdf")


def declarations_pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_photo_and_an_appraisal_are_kept_without_metadata(presets, media):
    policy = bind()
    with clock_set(day("2025-02-01")):
        stored = scheduled_item_file_add(
            caller=policyholder_of(policy),
            policy=policy,
            item_ref="r1",
            kind="photo",
            upload=photo(),
        )
        document = scheduled_item_file_add(
            caller=SYSTEM, policy=policy, item_ref="r1", kind="appraisal", upload=appraisal()
        )
    assert stored.file.name.startswith(f"policies/{policy.number.lower()}/")
    assert "ring" not in stored.file.name
    with default_storage.open(stored.file.name) as file:
        assert b"PhoneMaker" not in file.read()
    assert document.file.name.endswith(".pdf")
    assert (stored.uploaded_on, stored.kind) == (day("2025-02-01"), "photo")


@pytest.mark.parametrize(
    ("item_ref", "kind", "upload", "field"),
    [
        ("zz", "photo", "photo", "item_ref"),
        ("r1", "selfie", "photo", "kind"),
        ("r1", "photo", "pdf", "upload"),
        ("r1", "appraisal", "photo", "upload"),
        (None, "photo", "photo", "item_ref"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(presets, media, item_ref, kind, upload, field):
    policy = bind()
    before = lifecycle_counts()
    with pytest.raises(InvalidInput) as error:
        scheduled_item_file_add(
            caller=SYSTEM,
            policy=policy,
            item_ref=item_ref,
            kind=kind,
            upload=photo() if upload == "photo" else appraisal(),
        )
    assert error.value.field == field
    assert lifecycle_counts() == before
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_another_policyholder_cannot_add_a_file(presets, media):
    mine, theirs = bind(), bind()
    with pytest.raises(NotFound):
        scheduled_item_file_add(
            caller=policyholder_of(mine), policy=theirs, item_ref="r1", kind="photo", upload=photo()
        )
    assert ScheduledItemFile.objects.count() == 0

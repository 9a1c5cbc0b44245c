"""Photos on a claim: checked and stripped of their metadata, at most 10, in the claim's
scope; a refusal leaves nothing behind, in the database or the storage."""

import io

import pytest
from claim_review_support import denied_claim, state_of
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import SYSTEM, retailer_make, sell, store_make
from PIL import ExifTags, Image

from gemcare.claims.models import MAX_PHOTOS_PER_CLAIM, ClaimPhoto
from gemcare.claims.selectors import claim_photo_get, claim_view
from gemcare.claims.services import claim_photos_add
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, NotFound
from gemcare.common.models import AuditEntry


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(kind: str = "JPEG", *, gps: bool = True, name: str = "IMG_0001.jpg"):
    exif = Image.Exif()
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (40.0, 26.0, 46.0),
        }
        exif[ExifTags.Base.Make] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "blue").save(out, kind, exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_photos_are_stored_without_their_gps_and_audited(presets, media):
    store = store_make()
    _contract, claim = denied_claim(store=store)
    caller = Caller.retailer(store.retailer, store=store)

    photos = claim_photos_add(caller=caller, claim=claim, files=[photo(), photo("PNG")])

    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    for stored in photos:
        assert stored.stored_name.startswith(f"claims/{claim.number}/")
        assert "IMG_0001" not in stored.stored_name
        assert stored.uploaded_by == caller.label
        with default_storage.open(stored.stored_name) as file:
            data = file.read()
        assert stored.size == len(data)
        assert b"PhoneMaker" not in data
        assert not Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    entry = AuditEntry.objects.get(action="claim_photos_added")
    assert (entry.entity_id, entry.data) == (str(claim.pk), {"photos": 2})
    assert [p.pk for p in claim_view(caller=caller, number=claim.number).photos] == [
        p.pk for p in photos
    ]


def test_the_holder_may_add_photos_to_their_claim(presets):
    contract, claim = denied_claim()

    (added,) = claim_photos_add(caller=Caller.holder(contract.holder), claim=claim, files=[photo()])

    assert added.uploaded_by == f"holder:{contract.holder_id}"


def test_no_file_adds_nothing(presets):
    contract, claim = denied_claim()
    before = state_of(contract, claim)

    assert claim_photos_add(caller=SYSTEM, claim=claim, files=[]) == []
    assert state_of(contract, claim) == before


def test_a_file_that_is_not_a_photo_refuses_them_all_and_leaves_no_file(presets, media):
    contract, claim = denied_claim()
    before = state_of(contract, claim)
    not_a_photo = SimpleUploadedFile("x.jpg", b"%PDF-1.7 not a photo", content_type="image/jpeg")

    with pytest.raises(InvalidInput) as invalid:
        claim_photos_add(caller=SYSTEM, claim=claim, files=[photo(), not_a_photo])

    assert (invalid.value.field, invalid.value.code) == ("photos", "upload_type_not_allowed")
    assert state_of(contract, claim) == before
    assert stored_files(media) == []


def test_a_photo_too_large_is_refused(presets, media, settings):
    settings.GEMCARE_UPLOAD_PHOTO_MAX_BYTES = 100
    contract, claim = denied_claim()
    before = state_of(contract, claim)

    with pytest.raises(InvalidInput) as invalid:
        claim_photos_add(caller=SYSTEM, claim=claim, files=[photo()])

    assert invalid.value.code == "upload_too_large"
    assert state_of(contract, claim) == before
    assert stored_files(media) == []


def test_a_claim_carries_at_most_ten_photos(presets, media):
    contract, claim = denied_claim()
    claim_photos_add(caller=SYSTEM, claim=claim, files=[photo() for _ in range(8)])
    before = state_of(contract, claim)
    files_before = stored_files(media)

    with pytest.raises(InvalidInput) as invalid:
        claim_photos_add(caller=SYSTEM, claim=claim, files=[photo() for _ in range(3)])

    assert (invalid.value.field, invalid.value.code) == ("photos", "too_many_photos")
    assert "at most 10" in invalid.value.message and "has 8" in invalid.value.message
    assert state_of(contract, claim) == before
    assert stored_files(media) == files_before
    claim_photos_add(caller=SYSTEM, claim=claim, files=[photo(), photo()])
    assert ClaimPhoto.objects.filter(claim=claim).count() == MAX_PHOTOS_PER_CLAIM


@pytest.mark.parametrize("who", ["other_retailer", "other_store", "other_holder"])
def test_another_tenants_claim_is_not_found_and_nothing_is_stored(presets, media, who):
    store = store_make()
    contract, claim = denied_claim(store=store)
    caller = {
        "other_retailer": Caller.retailer(retailer_make()),
        "other_store": Caller.retailer(store.retailer, store=store_make(retailer=store.retailer)),
        "other_holder": Caller.holder(sell().holder),
    }[who]
    before = state_of(contract, claim)

    with pytest.raises(NotFound):
        claim_photos_add(caller=caller, claim=claim, files=[photo()])

    assert state_of(contract, claim) == before
    assert stored_files(media) == []


def test_a_photo_is_read_only_through_its_claims_scope(presets):
    store = store_make()
    _contract, claim = denied_claim(store=store)
    _, other_claim = denied_claim()
    (added,) = claim_photos_add(caller=SYSTEM, claim=claim, files=[photo()])
    ours = Caller.retailer(store.retailer)

    assert claim_photo_get(caller=ours, number=claim.number, photo_id=added.pk) == added
    with pytest.raises(NotFound):
        claim_photo_get(
            caller=Caller.retailer(retailer_make()), number=claim.number, photo_id=added.pk
        )
    with pytest.raises(NotFound):  # the photo of another claim, under a claim of ours
        claim_photo_get(caller=SYSTEM, number=other_claim.number, photo_id=added.pk)
    with pytest.raises(NotFound):
        claim_photo_get(caller=ours, number=claim.number, photo_id=added.pk + 1000)

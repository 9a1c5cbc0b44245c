"""A claim's page, the claims list and the photos: the right people see them, everyone
else gets 404 (or the sign-in page), and photos are served to no one else."""

import pytest
from claim_page_support import claim_at, everything, photo_file
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import SYSTEM
from jeweler_support import has_h1, text_of

from gemcare.claims.models import ClaimPhoto
from gemcare.claims.services import claim_photos_add
from gemcare.portals.jeweler import claims as claims_pages
from gemcare.portals.testing import verified_login


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_claim_page_shows_the_decision_line_by_line(client, presets, people):
    claim = claim_at(people.store_a1, ("prong_repair", "85.00"), ("watch_battery", "10.00"))
    client.force_login(people.associate_a1)

    response = client.get(f"/jeweler/claims/{claim.number}")

    page = text_of(response)
    assert response.status_code == 200 and has_h1(page)
    assert f"<title>Claim {claim.number}" in page
    assert "Decision: Partly approved" in page
    assert "watch battery is not a covered service for a ring." in page
    assert "prong repair is covered: $85.00 approved." in page
    assert '<th scope="col">Reason</th>' in page
    assert "Where the work is done" in page and "The work is done" in page
    assert "Ask for a person" not in page  # not a denial


def test_a_claim_awaiting_review_says_so_and_offers_no_work_yet(client, presets, people):
    claim = claim_at(
        people.store_a1, ("stone_replacement", "1800.00"), product="care-jewelry-lifetime"
    )
    client.force_login(people.associate_a1)

    page = text_of(client.get(f"/jeweler/claims/{claim.number}"))

    assert "An adjuster confirms this amount before the work starts." in page
    assert "Where the work is done" not in page


@pytest.mark.parametrize("who", ["manager_b", "associate_a2", "adjuster", "nobody"])
def test_the_wrong_people_get_404_on_the_page_and_its_photos(client, presets, people, who):
    claim = claim_at(people.store_a1)
    (photo,) = claim_photos_add(caller=SYSTEM, claim=claim, files=[photo_file()])
    user = getattr(people, who)
    verified_login(client, user) if who == "adjuster" else client.force_login(user)

    assert client.get(f"/jeweler/claims/{claim.number}").status_code == 404
    assert client.get(f"/jeweler/claims/{claim.number}/photos/{photo.pk}").status_code == 404
    assert client.get("/jeweler/claims").status_code in {200, 404}


def test_a_logged_out_visitor_goes_to_the_sign_in(client, presets, people):
    claim = claim_at(people.store_a1)

    for url in (f"/jeweler/claims/{claim.number}", "/jeweler/claims"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_photo_is_served_to_the_claims_store_and_manager_only_inline(client, presets, people):
    claim = claim_at(people.store_a1)
    (photo,) = claim_photos_add(caller=SYSTEM, claim=claim, files=[photo_file()])

    for who in ("associate_a1", "manager_a"):
        client.force_login(getattr(people, who))
        response = client.get(f"/jeweler/claims/{claim.number}/photos/{photo.pk}")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    page = text_of(client.get(f"/jeweler/claims/{claim.number}"))
    assert f'src="/jeweler/claims/{claim.number}/photos/{photo.pk}"' in page
    assert 'alt="Photo 1 of the item"' in page


def test_the_photo_of_another_claim_is_not_found_under_ours(client, presets, people):
    ours = claim_at(people.store_a1)
    theirs = claim_at(people.store_b1)
    (photo,) = claim_photos_add(caller=SYSTEM, claim=theirs, files=[photo_file()])
    client.force_login(people.associate_a1)

    assert client.get(f"/jeweler/claims/{ours.number}/photos/{photo.pk}").status_code == 404
    assert client.get(f"/jeweler/claims/{ours.number}/photos/99999999").status_code == 404


def test_more_photos_are_added_later(client, presets, people):
    claim = claim_at(people.store_a1)
    client.force_login(people.associate_a1)

    response = client.post(
        f"/jeweler/claims/{claim.number}/photos", {"photos": [photo_file(), photo_file()]}
    )

    assert response.status_code == 302
    assert ClaimPhoto.objects.filter(claim=claim).count() == 2
    assert "2 photos added." in text_of(client.get(response["Location"]))


@pytest.mark.parametrize("files", ["none", "not_a_photo", "too_many"])
def test_photos_refused_name_the_input_and_add_nothing(client, presets, people, files):
    claim = claim_at(people.store_a1)
    claim_photos_add(caller=SYSTEM, claim=claim, files=[photo_file() for _ in range(9)])
    client.force_login(people.associate_a1)
    sent = {
        "none": {},
        "not_a_photo": {"photos": [SimpleUploadedFile("a.png", b"GIF89a", "image/png")]},
        "too_many": {"photos": [photo_file(), photo_file()]},
    }[files]
    before = everything()

    response = client.post(f"/jeweler/claims/{claim.number}/photos", sent)

    page = text_of(response)
    assert response.status_code == 422
    assert 'id="f-photos-error"' in page and 'aria-invalid="true"' in page
    assert everything() == before


def test_another_stores_claim_takes_no_photos(client, presets, people):
    claim = claim_at(people.store_a2)
    client.force_login(people.associate_a1)
    before = everything()

    response = client.post(f"/jeweler/claims/{claim.number}/photos", {"photos": [photo_file()]})

    assert response.status_code == 404
    assert everything() == before


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_the_callers_claims_by_status_a_page_at_a_time(
    client, presets, people, monkeypatch
):
    monkeypatch.setattr(claims_pages, "PAGE_SIZE", 2)
    mine = [claim_at(people.store_a1) for _ in range(3)]
    other_store = claim_at(people.store_a2)
    other_retailer = claim_at(people.store_b1)
    denied = claim_at(people.store_a1, cause="theft")
    client.force_login(people.associate_a1)

    first = client.get("/jeweler/claims")
    page = text_of(first)
    assert first.status_code == 200 and has_h1(page)
    assert denied.number in page and mine[2].number in page and mine[0].number not in page
    assert other_store.number not in page and other_retailer.number not in page
    older = page.split('href="/jeweler/claims?cursor=')[1].split('"')[0]
    second = text_of(client.get(f"/jeweler/claims?cursor={older}"))
    assert mine[1].number in second and mine[0].number in second
    assert denied.number not in second

    only_denied = text_of(client.get("/jeweler/claims?status=denied"))
    assert denied.number in only_denied and mine[0].number not in only_denied


@pytest.mark.parametrize("query", ["status=lost", "cursor=abc", "cursor=" + "9" * 40])
def test_a_bad_filter_names_it(client, presets, people, query):
    client.force_login(people.associate_a1)

    response = client.get(f"/jeweler/claims?{query}")

    assert response.status_code == 422
    assert "error-summary" in text_of(response)


def test_test_mode_claims_stay_off_the_portal(client, presets, people):
    claim = claim_at(people.store_a1)
    type(claim.contract).objects.filter(pk=claim.contract_id).update(is_test=True)
    client.force_login(people.associate_a1)

    assert client.get(f"/jeweler/claims/{claim.number}").status_code == 404
    assert claim.number not in text_of(client.get("/jeweler/claims"))


def test_a_claim_number_of_nonsense_is_just_not_found(client, presets, people):
    client.force_login(people.associate_a1)

    for number in ("K" + "Z" * 300, "%00", "K%27%20OR%201=1"):
        assert client.get(f"/jeweler/claims/{number}").status_code == 404

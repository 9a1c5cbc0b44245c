"""Filing a claim at the counter: the guided form offers only what the plan covers, a filed
claim shows its decision at once, bad input names the field and writes nothing, and a
second open claim is refused with the open claim's link."""

import re

import pytest
from claim_page_support import GOOD_LINES, everything, photo_file, plan_at
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from jeweler_support import has_h1, text_of

from gemcare.claims.models import Claim, ClaimPhoto
from gemcare.common.clock import today
from gemcare.portals.testing import verified_login


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def new_url(contract) -> str:
    return f"/jeweler/plans/{contract.number}/claims/new"


def form(**values) -> dict:
    return {"incident": today().isoformat(), "cause": "wear_and_tear", **values}


def test_the_form_offers_only_the_services_covered_for_the_items_kind(client, presets, people):
    contract = plan_at(people.store_a1)
    client.force_login(people.associate_a1)

    response = client.get(new_url(contract))

    page = text_of(response)
    assert response.status_code == 200 and has_h1(page)
    assert "<title>File a claim on plan" in page
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page
    offered = set(re.findall(r'name="lines\.\d+\.service" value="([a-z_]+)"', page))
    assert {"prong_repair", "ring_sizing"} <= offered
    assert not offered & {"watch_battery", "chain_repair", "earring_back_post"}
    assert 'name="lines.' in page and "Number of sizes up or down" in page
    assert f'value="{today().isoformat()}"' in page  # the incident defaults to today
    assert "maintenance_done" not in page  # asked for watches only
    assert 'type="file" id="f-photos" name="photos" multiple' in page
    assert '<label for="f-incident">' in page and '<label for="f-cause">' in page


def test_a_watch_plan_asks_about_the_maintenance(client, presets, people):
    contract = plan_at(people.store_a1, "care-watch-3yr", kind="watch", price="900.00")
    client.force_login(people.associate_a1)

    page = text_of(client.get(new_url(contract)))

    assert "required maintenance was done" in page and 'name="maintenance_done"' in page
    assert 'value="watch_battery"' in page and 'value="prong_repair"' not in page
    assert 'value="watch_water_damage"' not in page  # the watch is not water resistant


def test_a_filed_claim_shows_its_decision_at_once_and_the_holder_is_told(
    client, presets, people, django_capture_on_commit_callbacks
):
    contract = plan_at(people.store_a1)
    client.force_login(people.associate_a1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_url(contract),
            {
                **form(**GOOD_LINES),
                "lines.1.service": "ring_sizing",
                "lines.1.cost": "40.00",
                "lines.1.sizes": "3",
                "lines.2.service": "rhodium_plating",
                "lines.2.cost": "",
                "repairable": ["false", "true"],
                "photos": [photo_file(), photo_file("IMG_2.png", "PNG")],
            },
        )

    claim = Claim.objects.get(contract=contract)
    assert response.status_code == 302 and response["Location"] == f"/jeweler/claims/{claim.number}"
    assert [line.service for line in claim.lines.all()] == ["prong_repair", "ring_sizing"]
    assert ClaimPhoto.objects.filter(claim=claim).count() == 2
    page = text_of(client.get(response["Location"]))
    assert has_h1(page) and f"Claim {claim.number}" in page
    assert "Decision: Partly approved" in page
    assert "$85.00" in page and "$40.00" in page  # approved, and the holder's share
    assert "Sizing limit" in page or "sizes" in page
    assert f"Claim {claim.number} is filed" in page
    assert claim.channel == "jeweler" and claim.filed_by == people.associate_a1
    (sent,) = mail.outbox
    assert sent.to == [contract.holder.email] and claim.number in sent.subject


def test_a_claim_without_any_work_names_the_work_and_writes_nothing(client, presets, people):
    contract = plan_at(people.store_a1)
    client.force_login(people.associate_a1)
    before = everything()

    response = client.post(
        new_url(contract), form(**{"lines.0.service": "prong_repair", "lines.0.cost": ""})
    )

    page = text_of(response)
    assert response.status_code == 422
    assert 'id="f-lines-error"' in page and "has too few entries" in page
    assert everything() == before


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({**GOOD_LINES, "lines.0.cost": "12.345"}, "lines-0-cost", "must be an amount"),
        ({**GOOD_LINES, "lines.0.cost": "-5"}, "lines-0-cost", ""),
        ({**GOOD_LINES, "incident": "2024-02-30"}, "incident", ""),
        ({**GOOD_LINES, "incident": "9999-01-01"}, "incident", ""),
        ({**GOOD_LINES, "cause": "aliens"}, "cause", "is not a known cause"),
        ({**GOOD_LINES, "lines.0.service": "x" * 500}, "lines-0-service", ""),
        ({**GOOD_LINES, "lines.0.sizes": "99"}, "lines-0-sizes", "must be from 1 to 10"),
        ({**GOOD_LINES, "surprise": "1"}, "surprise", "is not a known field"),
    ],
)
def test_bad_input_names_the_field_keeps_what_was_typed_and_writes_nothing(
    client, presets, people, values, field, words
):
    contract = plan_at(people.store_a1)
    client.force_login(people.associate_a1)
    before = everything()

    response = client.post(new_url(contract), form(**values))

    page = text_of(response)
    assert response.status_code == 422
    assert f'href="#f-{field}"' in page  # the summary links to the field
    assert words in page
    assert everything() == before


def test_a_file_that_is_not_a_photo_refuses_the_claim_too(client, presets, people):
    contract = plan_at(people.store_a1)
    client.force_login(people.associate_a1)
    before = everything()
    fake = SimpleUploadedFile("x.jpg", b"MZ not a photo at all", content_type="image/jpeg")

    response = client.post(new_url(contract), {**form(**GOOD_LINES), "photos": [fake]})

    page = text_of(response)
    assert response.status_code == 422
    assert 'id="f-photos-error"' in page and "is not a photo" in page
    assert 'value="85.00"' in page  # what was typed is kept
    assert everything() == before


def test_a_second_open_claim_is_refused_with_the_open_claims_link(client, presets, people):
    contract = plan_at(people.store_a1)
    client.force_login(people.associate_a1)
    client.post(new_url(contract), form(**GOOD_LINES))
    (first,) = Claim.objects.filter(contract=contract)
    before = everything()

    response = client.post(new_url(contract), form(**GOOD_LINES))

    page = text_of(response)
    assert response.status_code == 409
    assert "claim_open" in page and f'href="/jeweler/claims/{first.number}"' in page
    assert "Nothing was filed" in page
    assert everything() == before


@pytest.mark.parametrize("who", ["manager_b", "associate_a2", "adjuster", "nobody"])
def test_the_wrong_people_get_404_and_nothing_is_filed(client, presets, people, who):
    contract = plan_at(people.store_a1)
    user = getattr(people, who)
    verified_login(client, user) if who == "adjuster" else client.force_login(user)
    before = everything()

    assert client.get(new_url(contract)).status_code == 404
    assert client.post(new_url(contract), form(**GOOD_LINES)).status_code == 404
    assert everything() == before


def test_the_manager_of_the_retailer_files_for_any_store(client, presets, people):
    contract = plan_at(people.store_a2)
    client.force_login(people.manager_a)

    response = client.post(new_url(contract), form(**GOOD_LINES))

    assert response.status_code == 302
    assert Claim.objects.filter(contract=contract).count() == 1


def test_a_logged_out_visitor_goes_to_the_sign_in_and_nothing_is_filed(client, presets, people):
    contract = plan_at(people.store_a1)
    before = everything()

    got = client.get(new_url(contract))
    posted = client.post(new_url(contract), form(**GOOD_LINES))

    assert got.status_code == posted.status_code == 302
    assert got["Location"].startswith("/accounts/login/?next=")
    assert everything() == before


def test_a_test_mode_plan_is_not_the_counters(client, presets, people):
    contract = plan_at(people.store_a1)
    type(contract).objects.filter(pk=contract.pk).update(is_test=True)
    client.force_login(people.associate_a1)

    assert client.get(new_url(contract)).status_code == 404


def test_the_page_refuses_other_methods(client, presets, people):
    contract = plan_at(people.store_a1)
    client.force_login(people.associate_a1)

    assert client.put(new_url(contract)).status_code == 405

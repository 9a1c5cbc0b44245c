"""Whatever a back-office address or form holds, the answer is never a server error, and a
refused call changes nothing."""

import pytest
from factories import SYSTEM
from office_support import awaiting_review, everything, photo_file

from gemcare.claims.services import claim_photos_add
from gemcare.portals.testing import verified_login

HUGE = "9" * 30


@pytest.fixture
def adjuster(client, people):
    verified_login(client, people.adjuster)


@pytest.mark.parametrize(
    "url",
    [
        f"/office/claims/K0/photos/{HUGE}",
        "/office/claims/%00",
        "/office/claims/" + "K" * 5000,
        "/office/claims/queue?after=" + "2024-01-01." + "9" * 18,
        "/office/claims/queue?after=0000-00-00.1",
        "/office/claims/queue?after=2024-01-01.1&after=x",
        "/office/refunds?after=" + HUGE,
        "/office/search?q=" + "%F0%9F%92%8E" * 50,
        "/office/search?q=%00%00",
        "/office/search?q=ab&q=cd",
    ],
)
def test_an_absurd_address_is_never_a_server_error(client, presets, adjuster, url):
    assert client.get(url).status_code in {200, 404, 422}


def test_a_huge_photo_id_under_a_real_claim_is_not_found(client, presets, adjuster):
    claim = awaiting_review()
    claim_photos_add(caller=SYSTEM, claim=claim, files=[photo_file()])

    assert client.get(f"/office/claims/{claim.number}/photos/{HUGE}").status_code == 404
    assert client.get(f"/office/claims/{claim.number}/photos/{2**63}").status_code == 404


@pytest.mark.parametrize(
    "values",
    [
        {"action": "changing", "changing.approved": HUGE, "changing.note": "x"},
        {"action": "changing", "changing.approved": ["1.00", "2.00"], "changing.note": "x"},
        {"action": "changing", "changing..approved": "1.00"},
        {"action": "changing", "changing.approved.0": "1.00"},
        {"action": "denying", "denying.note": "\u202e" * 50},
        {"action": ["denying", "changing"]},
        {"action": "nonsense", "confirming.note": "x" * 5000},
    ],
)
def test_a_tampered_decision_is_refused_or_read_and_never_a_server_error(
    client, presets, adjuster, values
):
    claim = awaiting_review()

    response = client.post(f"/office/claims/{claim.number}/review", values)

    assert response.status_code in {302, 409, 422}


def test_a_payment_for_a_huge_id_is_not_found_and_changes_nothing(client, presets, adjuster):
    before = everything()

    response = client.post(f"/office/refunds/{HUGE}/pay", {"paid": "2024-09-01"})

    assert response.status_code == 404
    assert everything() == before

"""Every back-office page and action, by who asks: the provider's staff with the second
factor in; the privacy officer reads but does not decide; a retailer's staff and anyone else
get 404; without the second factor, its page; logged out, the sign-in. Nothing changes for
any of them."""

import pytest
from factories import SYSTEM, cancel, sell
from office_support import asked_for_a_person, awaiting_review, everything, photo_file, text_of

from gemcare.claims.services import claim_photos_add
from gemcare.portals.testing import verified_login


@pytest.fixture
def records(presets, people):
    claim = awaiting_review()
    (photo,) = claim_photos_add(caller=SYSTEM, claim=claim, files=[photo_file()])
    cancellation = cancel(sell(), date="2024-09-01", by="holder")
    return {
        "claim": claim,
        "photo": photo,
        "cancellation": cancellation,
        "pages": [
            "/office/",
            "/office/claims/queue",
            f"/office/claims/{claim.number}",
            f"/office/claims/{claim.number}/photos/{photo.pk}",
            "/office/refunds",
            "/office/search?q=Ada",
        ],
        "actions": [
            (f"/office/claims/{claim.number}/review", {"action": "confirming"}),
            (f"/office/refunds/{cancellation.pk}/pay", {"paid": "2024-09-15"}),
        ],
    }


@pytest.mark.parametrize("who", ["manager_a", "associate_a1", "manager_b", "nobody"])
def test_a_retailers_staff_and_anyone_else_get_404_everywhere(client, people, records, who):
    client.force_login(getattr(people, who))
    before = everything()

    for url in records["pages"]:
        assert client.get(url).status_code == 404, url
    for url, values in records["actions"]:
        assert client.post(url, values).status_code == 404, url
    assert everything() == before


def test_logged_out_goes_to_the_sign_in_and_nothing_changes(client, people, records):
    before = everything()

    for url in records["pages"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for url, values in records["actions"]:
        assert client.post(url, values).status_code == 302
    assert everything() == before


@pytest.mark.parametrize(("who", "page"), [("adjuster", "second-factor"), ("newcomer", "setup")])
def test_without_the_second_factor_the_staff_go_to_it(client, people, records, who, page):
    client.force_login(getattr(people, who))  # a password, no code yet
    before = everything()

    for url in records["pages"]:
        response = client.get(url)
        assert response.status_code == 302 and page in response["Location"], url
    for url, values in records["actions"]:
        assert client.post(url, values).status_code == 302
    assert everything() == before


@pytest.mark.parametrize("who", ["adjuster", "privacy", "superuser"])
def test_the_providers_staff_read_every_page(client, people, records, who):
    verified_login(client, getattr(people, who))

    for url in records["pages"]:
        assert client.get(url).status_code == 200, url


def test_the_privacy_officer_reads_a_claim_but_cannot_decide_it(client, people, records):
    verified_login(client, people.privacy)
    claim = records["claim"]
    before = everything()

    page = text_of(client.get(f"/office/claims/{claim.number}"))
    decided = client.post(f"/office/claims/{claim.number}/review", {"action": "confirming"})
    paid = client.post(f"/office/refunds/{records['cancellation'].pk}/pay", {"paid": "2024-09-15"})

    assert "Confirm the rules" not in page and "Deny the claim" not in page
    assert decided.status_code == 404 and paid.status_code == 404
    assert "Record the payment" not in text_of(client.get("/office/refunds"))
    assert everything() == before


def test_the_office_pages_refuse_other_methods(client, people, records):
    verified_login(client, people.adjuster)
    claim = records["claim"]

    assert client.post("/office/claims/queue").status_code == 405
    assert client.get(f"/office/claims/{claim.number}/review").status_code == 405
    assert client.delete(f"/office/claims/{claim.number}").status_code == 405


def test_the_home_page_counts_the_requests_and_links_the_pages(client, people, records):
    asked_for_a_person()
    verified_login(client, people.adjuster)

    page = text_of(client.get("/office/"))

    assert "denial whose holder asked for a person" in page
    for link in ("/office/claims/queue", "/office/refunds", "/office/search"):
        assert f'href="{link}"' in page
    assert f'href="/office/claims/{records["claim"].number}"' in page

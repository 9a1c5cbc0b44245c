"""The search across retailers: contracts and claims by number, receipt, holder's name or
email; sensitive fields whole only for the roles that need them, as in the admin."""

import pytest
from factories import file_claim, holder_data, retailer_make, sell, store_make
from office_support import has_h1, text_of

from gemcare.portals.testing import verified_login

SSN = "123-45-6789"
BIRTH = "1980-04-05"


@pytest.fixture
def found(presets):
    ada = sell(
        store=store_make(retailer=retailer_make(name="North Gems")),
        holder=holder_data(name="Ada Lovelace", email="ada.l@example.com"),
        receipt_number="RCPT-777",
    )
    holder = ada.holder
    holder.ssn, holder.date_of_birth = SSN, BIRTH
    holder.save()
    other = sell(
        store=store_make(retailer=retailer_make(name="South Gems")),
        holder=holder_data(name="Grace Hopper", email="grace@example.com"),
    )
    claim = file_claim(other, ("prong_repair", "85.00"))
    return {"ada": ada, "other": other, "claim": claim}


@pytest.mark.parametrize(
    ("q", "finds"),
    [
        ("lovelace", "ada"),
        ("ADA.L@example.com", "ada"),
        ("RCPT-777", "ada"),
        ("number:ada", "ada"),
        ("number:claim", "claim"),
        ("number:other", "other"),
    ],
)
def test_it_finds_across_retailers(client, people, found, q, finds):
    verified_login(client, people.adjuster)
    if q.startswith("number:"):
        q = found[q.removeprefix("number:")].number

    response = client.get("/office/search", {"q": q})

    page = text_of(response)
    assert response.status_code == 200 and has_h1(page)
    assert found[finds].number in page
    if finds == "ada":
        assert found["other"].number not in page and "North Gems" in page


def test_an_adjuster_sees_the_sensitive_fields_masked(client, people, found):
    verified_login(client, people.adjuster)

    page = text_of(client.get("/office/search", {"q": "Lovelace"}))

    assert SSN not in page and "6789" in page and BIRTH not in page
    assert "Sensitive fields are masked for your role." in page


@pytest.mark.parametrize("who", ["privacy", "superuser"])
def test_the_roles_that_need_them_see_them_whole(client, people, found, who):
    verified_login(client, getattr(people, who))

    page = text_of(client.get("/office/search", {"q": "Lovelace"}))

    assert SSN in page and BIRTH in page


@pytest.mark.parametrize("q", ["a", " ", "x" * 201, "bad\x00text"])
def test_a_search_too_short_or_absurd_names_the_box(client, people, found, q):
    verified_login(client, people.adjuster)

    response = client.get("/office/search", {"q": q})

    assert response.status_code in {200, 422}
    if response.status_code == 422:
        assert 'id="f-q-error"' in text_of(response)
    else:  # only spaces: the empty form again
        assert "<h2" not in text_of(response).split("<main")[1]


@pytest.mark.parametrize("q", ["%", "_", "' OR 1=1 --", "%%%%", "\\"])
def test_hostile_text_finds_nothing_and_breaks_nothing(client, people, found, q):
    verified_login(client, people.adjuster)

    response = client.get("/office/search", {"q": q * 2})

    assert response.status_code == 200
    assert found["ada"].number not in text_of(response)


def test_the_empty_search_shows_the_form(client, people, found):
    verified_login(client, people.adjuster)

    page = text_of(client.get("/office/search"))

    assert '<label for="f-q">' in page and "Contracts</h2>" not in page

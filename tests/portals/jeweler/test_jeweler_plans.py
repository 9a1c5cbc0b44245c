"""Finding a plan and its page: what it shows (the sensitive fields never), the refund
preview with and without JavaScript, the certificate, and the exact actions the rules allow.
Another retailer's plan, another store's for an associate, and a test-mode plan are "not
found", and nothing is ever written by looking."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import Resolver404, resolve
from factories import SYSTEM, cancel, file_claim, holder_data, row_counts, sale_in
from jeweler_support import has_h1, sold, text_of

from gemcare.common.clock import today
from gemcare.contracts.services import contract_sell


def _plan_url(contract, tail=""):
    return f"/jeweler/plans/{contract.number}{tail}"


@pytest.fixture
def plans(presets, people):
    """A1: Ada's care plan (phone, SSN on file) sold today; A2: Ben's ljpp plan; B: Cy's."""
    ada = sold(
        people.store_a1,
        holder=holder_data(name="Ada Lovelace", phone="(555) 010-0199", ssn="123-45-6789"),
        serial="SKU-4411",
    )
    ben = sold(
        people.store_a2, "ljpp-lifetime", holder=holder_data(name="Ben Okafor", email="b@x.org")
    )
    cy = sold(people.store_b1, holder=holder_data(name="Cy Beta"))
    return SimpleNamespace(ada=ada, ben=ben, cy=cy)


# --- finding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "box", ["{number}", "{lower}", "lovelace", "5550100199", "ada@example.com"]
)
def test_one_box_finds_the_plan(client, people, plans, box):
    client.force_login(people.manager_a)
    counts = row_counts()

    response = client.get(
        "/jeweler/plans", {"q": box.format(number=plans.ada.number, lower=plans.ada.number.lower())}
    )

    page = text_of(response)
    assert response.status_code == 200 and has_h1(page)
    assert f'href="/jeweler/plans/{plans.ada.number}"' in page
    assert plans.cy.number not in page and "Cy Beta" not in page
    assert row_counts() == counts


def test_an_associate_finds_only_their_stores_plans_and_no_other_retailers(client, people, plans):
    client.force_login(people.associate_a1)

    listed = text_of(client.get("/jeweler/plans"))
    searched = text_of(client.get("/jeweler/plans", {"q": plans.ben.number}))

    assert (
        plans.ada.number in listed
        and plans.ben.number not in listed
        and plans.cy.number not in listed
    )
    assert (
        plans.ben.number not in searched.split("</form>")[-1]
        and "No plan of yours matches" in searched
    )


def test_the_finder_pages_and_filters_by_status(client, people, plans):
    for _ in range(30):
        sold(people.store_a1)
    client.force_login(people.associate_a1)

    first = text_of(client.get("/jeweler/plans"))
    after = first.split("before=")[1].split('"')[0]
    second = text_of(client.get("/jeweler/plans", {"before": after}))
    waiting = text_of(client.get("/jeweler/plans", {"status": "pending_pickup"}))

    assert first.count('href="/jeweler/plans/C') == 25
    assert second.count('href="/jeweler/plans/C') == 6  # 31 plans at A1
    assert "No plan of yours matches" in waiting


@pytest.mark.parametrize(
    "query",
    [{"status": "lost"}, {"q": "x" * 201}, {"before": "abc"}, {"q": "a\x01b"}, {"zzz": "1"}],
)
def test_bad_search_input_is_shown_by_its_field(client, people, plans, query):
    client.force_login(people.associate_a1)
    counts = row_counts()

    response = client.get("/jeweler/plans", query)

    page = text_of(response)
    assert response.status_code == 422 and 'class="error-summary"' in page
    if "q" in query or "status" in query:
        assert 'aria-invalid="true"' in page  # beside the box or the status
    assert row_counts() == counts


# --- the plan's page -------------------------------------------------------------------------


def test_the_page_shows_the_item_holder_coverage_and_never_a_sensitive_field(client, people, plans):
    client.force_login(people.associate_a1)

    response = client.get(_plan_url(plans.ada))

    page = text_of(response)
    assert response.status_code == 200 and has_h1(page)
    assert "SKU-4411" in page and "Ada Lovelace" in page and "(555) 010-0199" in page
    assert "123-45-6789" not in page and "6789" not in page
    assert "SSN (not shown in the jeweler portal)" in page
    assert "Prong repair" in page and "Wear and tear from normal use" in page
    assert "No aggregate limit" in page and "$99.00" in page
    assert f'href="/jeweler/plans/{plans.ada.number}/certificate.pdf"' in page


def test_the_page_shows_exactly_the_actions_the_rules_allow(client, people, plans):
    client.force_login(people.manager_a)

    care = text_of(client.get(_plan_url(plans.ada)))
    ljpp = text_of(client.get(_plan_url(plans.ben)))

    for action in ("return", "cancel", "transfer"):
        assert f'href="/jeweler/plans/{plans.ada.number}/{action}"' in care
    assert f'/jeweler/plans/{plans.ada.number}/pickup"' not in care
    # Oklahoma's ljpp: no free look, not a gift: it may only be cancelled.
    assert f'href="/jeweler/plans/{plans.ben.number}/cancel"' in ljpp
    for action in ("return", "transfer", "pickup"):
        assert f'/jeweler/plans/{plans.ben.number}/{action}"' not in ljpp
    assert "$1,200.00 of the item's purchase price is left" in ljpp


def test_a_cancelled_plan_offers_nothing_and_its_preview_says_why(client, people, plans):
    cancel(plans.ada, date=today())
    client.force_login(people.associate_a1)

    page = text_of(client.get(_plan_url(plans.ada)))

    assert "Voided" in page and "contract_not_active" in page
    for action in ("return", "cancel", "transfer", "pickup"):
        assert f'/jeweler/plans/{plans.ada.number}/{action}"' not in page


def test_the_claims_are_listed_and_the_claim_form_is_linked_only_if_it_exists(
    client, people, plans
):
    claim = file_claim(plans.ben, ("prong_repair", "85.00"), filed=today(), incident=today())
    client.force_login(people.manager_a)

    page = text_of(client.get(_plan_url(plans.ben)))

    assert claim.number in page and "$85.00" in page and "$1,115.00" in page

    def exists(path):
        try:
            resolve(path)
        except Resolver404:
            return False
        return True

    new_claim = f"/jeweler/plans/{plans.ben.number}/claims/new"
    assert (f'href="{new_claim}"' in page) == exists(new_claim)


def test_the_refund_preview_works_without_javascript_and_as_a_part(client, people, plans):
    client.force_login(people.associate_a2)
    later = (today() + dt.timedelta(days=365)).isoformat()
    counts = row_counts()

    full = client.get(_plan_url(plans.ben), {"date": later})
    part = client.get(
        _plan_url(plans.ben, "/refund-preview"),
        {"date": later, "reason": "duplicate_warranty"},
        headers={"HX-Request": "true"},
    )

    assert full.status_code == 200 and f'value="{later}"' in text_of(full)
    assert "OK refunds 90% of the unearned amount" in text_of(full)
    assert "Refund due by" in text_of(full) and "20%" in text_of(full)
    assert part.status_code == 200 and "<html" not in text_of(part)
    assert "$179.00" in text_of(part) and "A warranty gives the same coverage" in text_of(part)
    assert row_counts() == counts


@pytest.mark.parametrize("date", ["not-a-date", "1900-01-01", "3000-01-01", "2024-02-30"])
def test_a_bad_preview_date_is_shown_by_its_field(client, people, plans, date):
    client.force_login(people.associate_a1)

    full = client.get(_plan_url(plans.ada), {"date": date})
    part = client.get(_plan_url(plans.ada, "/refund-preview"), {"date": date})

    assert full.status_code == 422 and 'aria-invalid="true"' in text_of(full)
    assert part.status_code == 422 and "Date:" in text_of(part)


def test_a_preview_dated_before_the_sale_is_refused_in_words(client, people, plans):
    client.force_login(people.associate_a1)
    before = (today() - dt.timedelta(days=3)).isoformat()

    part = client.get(_plan_url(plans.ada, "/refund-preview"), {"date": before})

    assert part.status_code == 409 and "out_of_order" in text_of(part)


def test_the_certificate_is_served_to_the_plans_own_staff(client, people, plans):
    client.force_login(people.associate_a1)

    response = client.get(_plan_url(plans.ada, "/certificate.pdf"))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("who", "plan"),
    [("manager_b", "ada"), ("associate_a2", "ada"), ("associate_a1", "ben"), ("manager_a", "cy")],
)
@pytest.mark.parametrize(
    "tail",
    ["", "/refund-preview", "/certificate.pdf", "/cancel", "/return", "/transfer", "/pickup"],
)
def test_another_retailers_or_stores_plan_is_not_found(client, people, plans, who, plan, tail):
    contract = getattr(plans, plan)
    client.force_login(getattr(people, who))
    counts = row_counts()

    response = client.get(_plan_url(contract, tail))

    assert response.status_code == 404
    assert contract.number.encode() not in response.content or b"No contract" in response.content
    assert contract.holder.name.encode() not in response.content
    assert row_counts() == counts


def test_a_test_mode_plan_is_not_the_counters(client, people, plans):
    test_plan = contract_sell(
        caller=SYSTEM,
        store=people.store_a1,
        sale=sale_in("care-jewelry-3yr", purchased=today()),
        is_test=True,
    )
    client.force_login(people.manager_a)

    assert client.get(_plan_url(test_plan)).status_code == 404
    assert client.get(_plan_url(test_plan, "/certificate.pdf")).status_code == 404
    assert test_plan.number not in text_of(client.get("/jeweler/plans"))


def test_logged_out_a_plan_page_goes_to_the_sign_in(client, people, plans):

    for tail in ("", "/refund-preview", "/certificate.pdf"):
        response = client.get(_plan_url(plans.ada, tail))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

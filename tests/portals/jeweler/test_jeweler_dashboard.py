"""The dashboard: today's and this month's sales with revenue and commission, open claims,
reimbursements due (and what "due" means), plans in the free look, layaways waiting for
pickup; each figure the caller's own, live records only, in few queries."""

import datetime as dt
import re

import pytest
from factories import SYSTEM, file_claim, row_counts, sale_in
from jeweler_support import has_h1, sold, text_of

from gemcare.common.clock import clock_set
from gemcare.contracts.services import contract_sell

ON = dt.date(2025, 6, 15)


def _numbers(page: str) -> list[str]:
    return re.findall(r'<span class="number">([^<]*)</span>', page)


def _cells(page: str, row: str) -> list[str]:
    found = re.search(rf'<th scope="row" data-label="Period">{row}</th>(.*?)</tr>', page, re.S)
    return re.findall(r"<td[^>]*>([^<]*)</td>", found.group(1))


@pytest.fixture
def on_the_15th():
    with clock_set(ON):
        yield ON


@pytest.fixture
def sales(presets, people, on_the_15th):
    """A1: two care plans today, an ljpp plan 5 days ago with an approved claim; A2: a care
    lifetime plan today and a layaway; B: one today; a test-mode sale at A1."""
    sold(people.store_a1)
    sold(people.store_a1)
    ljpp = sold(people.store_a1, "ljpp-lifetime", days_ago=5)
    file_claim(ljpp, ("prong_repair", "85.00"), filed=ON, incident=ON)
    sold(people.store_a2, "care-jewelry-lifetime")
    layaway = sale_in("care-jewelry-3yr", purchased=ON - dt.timedelta(days=2))
    contract_sell(
        caller=SYSTEM,
        store=people.store_a2,
        sale=layaway.model_copy(update={"pending_pickup": True}),
    )
    sold(people.store_b1)
    contract_sell(
        caller=SYSTEM,
        store=people.store_a1,
        sale=sale_in("care-jewelry-3yr", purchased=ON),
        is_test=True,
    )


@pytest.mark.parametrize(
    ("who", "numbers", "today_row", "month_row"),
    [
        (
            "manager_a",
            ["5", "1", "1", "3", "1"],
            ["3", "$347.00", "$138.80"],
            ["5", "$625.00", "$250.00"],
        ),
        (
            "associate_a1",
            ["3", "1", "1", "2", "0"],
            ["2", "$198.00", "$79.20"],
            ["3", "$377.00", "$150.80"],
        ),
        (
            "associate_a2",
            ["2", "0", "0", "1", "1"],
            ["1", "$149.00", "$59.60"],
            ["2", "$248.00", "$99.20"],
        ),
        (
            "manager_b",
            ["1", "0", "0", "1", "0"],
            ["1", "$99.00", "$39.60"],
            ["1", "$99.00", "$39.60"],
        ),
    ],
)
def test_each_figure_is_the_callers_own(client, people, sales, who, numbers, today_row, month_row):
    client.force_login(getattr(people, who))
    counts = row_counts()

    response = client.get("/jeweler/")

    page = text_of(response)
    assert response.status_code == 200 and has_h1(page)
    assert _numbers(page) == numbers
    assert _cells(page, "Today") == today_row and _cells(page, "This month") == month_row
    assert row_counts() == counts


def test_the_page_says_what_due_means_and_links_the_layaways(client, people, sales):
    client.force_login(people.manager_a)

    page = text_of(client.get("/jeweler/"))

    assert "up to $85.00: approved claims whose work is not reported done yet" in page
    assert "at most the approved amount" in page
    assert 'href="/jeweler/plans?status=pending_pickup"' in page
    assert "Test-mode sales never count" in page


def test_the_page_needs_few_queries(client, people, sales, django_assert_max_num_queries):
    client.force_login(people.manager_a)
    client.get("/jeweler/")  # the catalog's terms, kept per process after

    # The session, the user, the staff record and its retailer and store, and four figures.
    with django_assert_max_num_queries(10):
        response = client.get("/jeweler/")
    assert response.status_code == 200


def test_a_manager_sees_the_managers_pages_in_the_nav_and_an_associate_does_not(client, people):
    client.force_login(people.manager_a)
    manager = text_of(client.get("/jeweler/"))
    client.force_login(people.associate_a1)
    associate = text_of(client.get("/jeweler/"))

    for link in ('href="/jeweler/staff"', 'href="/jeweler/keys"', 'href="/jeweler/webhooks"'):
        assert link in manager and link not in associate
    assert 'href="/jeweler/sell"' in associate and 'href="/jeweler/plans"' in associate

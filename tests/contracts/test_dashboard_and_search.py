"""The jeweler portal's reads on contracts: the dashboard's figures, the plan search, which
actions the rules allow on a plan, and the plan on a receipt line. Always the caller's:
another retailer's (or store's) records never count and are never found."""

import datetime as dt
from decimal import Decimal

import pytest
from factories import (
    SYSTEM,
    cancel,
    file_claim,
    holder_data,
    retailer_make,
    row_counts,
    sale_in,
    sell,
    store_make,
    transfer,
)

from gemcare.common.callers import Caller
from gemcare.common.errors import NotFound
from gemcare.contracts.dashboard import dashboard_figures, longest_free_look_days
from gemcare.contracts.selectors import (
    CANCEL,
    PICKUP,
    RETURN,
    TRANSFER,
    contract_actions,
    contract_on_receipt_line,
    contract_overview,
    contracts_search,
)
from gemcare.contracts.services import contract_sell

ON = dt.date(2025, 6, 15)  # the dashboard's day in these tests
MONTH_START = dt.date(2025, 6, 1)


@pytest.fixture
def shops(db):
    """Retailer A with stores A1 and A2, retailer B with one store; all in Oklahoma."""
    retailer_a, retailer_b = retailer_make(name="Alpha"), retailer_make(name="Beta")
    return {
        "a": retailer_a,
        "a1": store_make(retailer=retailer_a),
        "a2": store_make(retailer=retailer_a),
        "b": retailer_b,
        "b1": store_make(retailer=retailer_b),
    }


def layaway(store, purchased, product="care-jewelry-3yr"):
    """A layaway sale: registered now, covered from the pickup on."""
    sale = sale_in(product, store.state, purchased=purchased).model_copy(
        update={"pending_pickup": True}
    )
    return contract_sell(caller=SYSTEM, store=store, sale=sale)


def _retailer(shops, name="a"):
    return Caller.retailer(shops[name])


def _store(shops, name):
    store = shops[name]
    return Caller.retailer(store.retailer, store=store)


def _sales(shops):
    """A1: two care plans today (99.00 each), one 3 days before (ljpp, 179.00, with an
    approved claim), one last month; A2: one today and a layaway; B: one today; and a
    test-mode sale at A1 today, which never counts."""
    today_a1 = [sell("care-jewelry-3yr", purchased=ON, store=shops["a1"]) for _ in range(2)]
    earlier = sell("ljpp-lifetime", purchased=ON - dt.timedelta(days=3), store=shops["a1"])
    file_claim(earlier, ("prong_repair", "85.00"), filed=ON, incident=ON)
    sell("care-jewelry-3yr", purchased=MONTH_START - dt.timedelta(days=1), store=shops["a1"])
    sell("care-jewelry-lifetime", purchased=ON, store=shops["a2"])
    layaway(shops["a2"], ON - dt.timedelta(days=2))
    sell("care-jewelry-3yr", purchased=ON, store=shops["b1"])
    contract_sell(
        caller=SYSTEM,
        store=shops["a1"],
        sale=sale_in("care-jewelry-3yr", purchased=ON),
        is_test=True,
    )
    return today_a1, earlier


def test_the_figures_of_a_retailer_as_a_whole(shops, presets):
    _sales(shops)

    figures = dashboard_figures(caller=_retailer(shops), on=ON)

    assert figures.month_start == MONTH_START
    assert (figures.today.count, figures.today.revenue) == (3, Decimal("347.00"))
    assert figures.today.commission == Decimal("138.80")  # 40% of each price, kept per plan
    # The month: today's three, the ljpp sale and the layaway registered this month.
    assert (figures.month.count, figures.month.revenue) == (5, Decimal("625.00"))
    assert figures.plans_sold == 5
    assert (figures.open_claims, figures.reimbursements_due) == (1, 1)
    assert figures.reimbursements_due_amount == Decimal("85.00")
    # The care plans sold in the last 30 days (last month's too) are in their free look; the
    # ljpp plan in Oklahoma has none, and the layaway's coverage has not started.
    assert figures.in_free_look == 4
    assert figures.awaiting_pickup == 1


def test_an_associate_tied_to_a_store_sees_that_stores_figures_only(shops, presets):
    _sales(shops)

    a1 = dashboard_figures(caller=_store(shops, "a1"), on=ON)
    a2 = dashboard_figures(caller=_store(shops, "a2"), on=ON)
    b = dashboard_figures(caller=_retailer(shops, "b"), on=ON)

    assert (a1.today.count, a1.month.count, a1.open_claims, a1.in_free_look) == (2, 3, 1, 3)
    assert (a1.awaiting_pickup, a1.reimbursements_due_amount) == (0, Decimal("85.00"))
    assert (a2.today.count, a2.month.count, a2.open_claims, a2.awaiting_pickup) == (1, 2, 0, 1)
    assert a2.today.revenue == Decimal("149.00") and a2.in_free_look == 1
    assert (b.today.count, b.month.count, b.open_claims, b.in_free_look) == (1, 1, 0, 1)


def test_a_caller_of_no_retailer_sees_nothing_and_test_sales_never_count(shops, presets):
    _sales(shops)
    holder = Caller.holder(type("H", (), {"pk": 10**9})())

    nothing = dashboard_figures(caller=holder, on=ON)

    assert (nothing.today.count, nothing.month.count, nothing.open_claims) == (0, 0, 0)
    assert nothing.today.revenue == Decimal("0.00") and nothing.in_free_look == 0


def test_the_free_look_is_the_rules_own_for_each_product_and_state(shops, presets):
    store = shops["a1"]
    # Care plans: 30 days from the purchase, with no services received.
    sell("care-jewelry-3yr", purchased=ON - dt.timedelta(days=30), store=store)
    sell("care-jewelry-3yr", purchased=ON - dt.timedelta(days=31), store=store)
    # ljpp: California 60 days if no claim at all was filed; Alabama 30 days; Oklahoma none.
    sell("ljpp-lifetime", "CA", purchased=ON - dt.timedelta(days=59), store=store)
    with_claim = sell("ljpp-lifetime", "CA", purchased=ON - dt.timedelta(days=20), store=store)
    file_claim(with_claim, ("refinish_polish", "40.00"), filed=ON, incident=ON)
    sell("ljpp-lifetime", "AL", purchased=ON - dt.timedelta(days=29), store=store)
    sell("ljpp-lifetime", "OK", purchased=ON - dt.timedelta(days=1), store=store)
    # A cancelled plan is in no free look any more.
    cancel(sell("care-jewelry-3yr", purchased=ON - dt.timedelta(days=5), store=store), date=ON)

    figures = dashboard_figures(caller=_retailer(shops), on=ON)

    assert longest_free_look_days() == 60
    assert figures.in_free_look == 3  # the 30-day care plan, CA at 59 days, AL at 29 days


def test_each_figure_costs_one_query_at_most(shops, presets, django_assert_max_num_queries):
    _sales(shops)
    caller = _retailer(shops)
    dashboard_figures(caller=caller, on=ON)  # the catalog's terms, kept per process after

    with django_assert_max_num_queries(4):  # five figures: sales and pickups share a query
        dashboard_figures(caller=caller, on=ON)


# --- the plan search -----------------------------------------------------------------------


def _people(shops):
    ada = sell(
        "care-jewelry-3yr",
        purchased=ON,
        store=shops["a1"],
        holder=holder_data(name="Ada Lovelace", email="Ada@Example.com", phone="(555) 010-0199"),
        receipt_number="R-1001",
    )
    ben = sell(
        "care-jewelry-3yr",
        purchased=ON,
        store=shops["a2"],
        holder=holder_data(name="Ben Okafor", email="ben@example.com", phone="555.020.0200"),
        receipt_number="R-1002",
    )
    other = sell(
        "care-jewelry-3yr",
        purchased=ON,
        store=shops["b1"],
        holder=holder_data(name="Ada Other", email="ada@example.com", phone="5550100199"),
        receipt_number="R-1001",
    )
    return ada, ben, other


def _found(caller, text, **filters):
    rows, _ = contracts_search(caller=caller, text=text, **filters)
    return {row.number for row in rows}


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("{ada}", {"ada"}),
        ("{ada_lower}", {"ada"}),
        ("R-1001", {"ada"}),
        ("lovelace", {"ada"}),
        ("ADA", {"ada"}),
        ("ada@example.COM", {"ada"}),
        ("5550100199", {"ada"}),
        ("010-0199", {"ada"}),
        ("(555) 020 0200", {"ben"}),
        ("okafor", {"ben"}),
        ("", {"ada", "ben"}),
        ("nobody-at-all", set()),
        ("%", set()),
        ("_", set()),
        ("a" * 200, set()),
        ("bad\x00text", set()),
    ],
)
def test_one_box_finds_a_plan_of_the_retailer_only(shops, presets, text, who):
    ada, ben, other = _people(shops)
    names = {"ada": ada.number, "ben": ben.number}
    text = text.format(ada=ada.number, ada_lower=ada.number.lower())

    found = _found(_retailer(shops), text)

    assert found == {names[name] for name in who}
    assert other.number not in found


def test_an_associate_finds_only_their_stores_plans(shops, presets):
    ada, ben, other = _people(shops)

    assert _found(_store(shops, "a1"), "") == {ada.number}
    assert _found(_store(shops, "a1"), ben.number) == set()
    assert _found(_store(shops, "a2"), "ben@example.com") == {ben.number}
    assert _found(_retailer(shops, "b"), ada.number) == set()
    assert _found(_retailer(shops, "b"), "ada@example.com") == {other.number}


def test_the_search_pages_newest_first_filters_by_status_and_skips_test_records(shops, presets):
    made = [sell("care-jewelry-3yr", purchased=ON, store=shops["a1"]) for _ in range(5)]
    contract_sell(
        caller=SYSTEM,
        store=shops["a1"],
        sale=sale_in("care-jewelry-3yr", purchased=ON),
        is_test=True,
    )
    cancel(made[0], date=ON)
    caller = _retailer(shops)

    first, after = contracts_search(caller=caller, limit=3)
    second, end = contracts_search(caller=caller, limit=3, before_id=after)

    assert [row.number for row in first + second] == [row.number for row in reversed(made)]
    assert end is None
    assert _found(caller, "", status="voided") == {made[0].number}
    assert _found(caller, "", is_test=True) != set() and len(_found(caller, "")) == 5
    with pytest.raises(ValueError):
        contracts_search(caller=caller, limit=1000)


# --- what may be done with a plan ----------------------------------------------------------


def test_a_care_plan_in_its_free_look_may_be_returned_cancelled_and_transferred(shops, presets):
    contract = sell("care-jewelry-3yr", purchased=ON - dt.timedelta(days=10), store=shops["a1"])
    caller = _store(shops, "a1")

    assert contract_actions(caller=caller, contract=contract, on=ON) == {RETURN, CANCEL, TRANSFER}
    assert contract_actions(caller=caller, contract=contract, on=ON + dt.timedelta(days=40)) == {
        CANCEL,
        TRANSFER,
    }
    # Dated before the latest event, nothing may be done that day.
    assert (
        contract_actions(caller=caller, contract=contract, on=ON - dt.timedelta(days=11)) == set()
    )


def test_an_ljpp_plan_transfers_only_once_to_a_gifts_recipient(shops, presets):
    plain = sell("ljpp-lifetime", purchased=ON, store=shops["a1"])
    gift = sell("ljpp-lifetime", purchased=ON, store=shops["a1"], gift=True)
    caller = _retailer(shops)

    assert contract_actions(caller=caller, contract=plain, on=ON) == {CANCEL}  # OK: no free look
    assert TRANSFER in contract_actions(caller=caller, contract=gift, on=ON)
    given = transfer(gift, ON)
    assert TRANSFER not in contract_actions(caller=caller, contract=given, on=ON)


def test_a_layaway_may_be_picked_up_or_returned_and_a_claim_in_review_stops_a_cancel(
    shops, presets
):
    waiting = layaway(shops["a1"], ON)
    reviewed = sell(
        "care-jewelry-lifetime",
        price="5000.00",
        purchased=ON - dt.timedelta(days=90),
        store=shops["a1"],
    )
    file_claim(reviewed, ("shank_repair", "1700.00"), filed=ON, incident=ON)
    cancelled = sell("care-jewelry-3yr", purchased=ON, store=shops["a1"])
    cancel(cancelled, date=ON)
    caller = _retailer(shops)
    reviewed.refresh_from_db()
    cancelled.refresh_from_db()

    assert contract_actions(caller=caller, contract=waiting, on=ON) == {PICKUP, RETURN, CANCEL}
    assert contract_actions(caller=caller, contract=reviewed, on=ON) == {TRANSFER}
    assert contract_actions(caller=caller, contract=cancelled, on=ON) == set()


def test_another_retailers_or_stores_plan_has_no_actions_it_is_not_found(shops, presets):
    contract = sell("care-jewelry-3yr", purchased=ON, store=shops["a1"])
    counts = row_counts()

    for caller in (_retailer(shops, "b"), _store(shops, "a2")):
        with pytest.raises(NotFound):
            contract_actions(caller=caller, contract=contract, on=ON)
        with pytest.raises(NotFound):
            contract_overview(caller=caller, number=contract.number, on=ON)
    assert row_counts() == counts


def test_the_overview_gathers_coverage_claims_holders_and_the_remaining_limit(shops, presets):
    watch = sell("care-watch-3yr", kind="watch", purchased=ON, store=shops["a1"])
    ring = sell("ljpp-lifetime", purchased=ON - dt.timedelta(days=3), store=shops["a1"])
    file_claim(ring, ("prong_repair", "85.00"), filed=ON, incident=ON)
    caller = _retailer(shops)

    watch_page = contract_overview(caller=caller, number=watch.number, on=ON)
    ring_page = contract_overview(caller=caller, number=ring.number, on=ON)

    assert "watch_battery" in watch_page.covered_services
    assert "watch_water_damage" not in watch_page.covered_services  # not water resistant
    assert watch_page.remaining_limit is None and watch_page.claims == ()
    assert ring_page.remaining_limit == Decimal("1115.00")
    assert [claim.status for claim in ring_page.claims] == ["approved"]
    assert [period.reason for period in ring_page.holders] == ["sale"]
    assert ring_page.actions == {CANCEL}


def test_the_plan_on_a_receipt_line_is_the_callers_live_one(shops, presets):
    contract = sell("care-jewelry-3yr", purchased=ON, store=shops["a1"], receipt_number="R-77")

    found = contract_on_receipt_line(caller=_retailer(shops), receipt_number="R-77", receipt_line=1)

    assert found == contract
    assert (
        contract_on_receipt_line(
            caller=_retailer(shops, "b"), receipt_number="R-77", receipt_line=1
        )
        is None
    )
    assert (
        contract_on_receipt_line(caller=_retailer(shops), receipt_number="R-77", receipt_line=2)
        is None
    )

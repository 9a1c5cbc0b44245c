"""The changes a point of sale makes on a contract: refund quote, cancellation, return,
transfer, layaway pickup. Shapes pinned; another tenant's contract is "not found"."""

import datetime as dt

import pytest
from api_support import ApiClient, key_make
from factories import file_claim, row_counts, sale_in, sell, snapshot, store_make

from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.contracts.models import Contract
from gemcare.contracts.services import contract_sell

pytestmark = pytest.mark.usefixtures("presets_once")

TODAY = dt.date(2024, 6, 1)
CANCELLATION_KEYS = {
    "contract",
    "contract_status",
    "date",
    "by",
    "reason",
    "refund",
    "unearned",
    "unearned_factor",
    "services_deducted",
    "due_on",
    "explanation",
}


@pytest.fixture(autouse=True)
def platform_day():
    with clock_set(TODAY):
        yield


@pytest.fixture
def plan(store):
    """A three-year care plan sold 2024-03-01 in Texas on a 600.00 ring: 69.00."""
    return sell("care-jewelry-3yr", "TX", "600.00", store=store)


def layaway_body(store, **changes):
    body = {
        "store": store.code,
        "receipt_number": "R-LAYAWAY-1",
        "purchased": "2024-05-01",
        "product": "care-jewelry-3yr",
        "plan_price": "69.00",
        "pending_pickup": True,
        "item": {"kind": "ring", "price": "600.00"},
        "holder": {"name": "Ada Holder", "state": "TX", "phone": "555-0100"},
    }
    body.update(changes)
    return body


# --- refund quote ---------------------------------------------------------------------------


def test_the_refund_quote_gives_the_whole_breakdown(api, plan):
    response = api.get(f"/contracts/{plan.number}/refund-quote", {"date": "2024-06-01"})
    assert response.status_code == 200, response.content
    # 69.00 x 1003 days left / 1095 = 63.20 (2027-03-01 is the end of the refund term).
    assert response.json() == {
        "contract": plan.number,
        "date": "2024-06-01",
        "status_after": "cancelled",
        "refund": "63.20",
        "unearned": "63.20",
        "unearned_factor": "1.0000",
        "services_deducted": "0.00",
        "days_left": 1003,
        "days_total": 1095,
        "state": "TX",
        "state_rule": None,
        "reasons": [
            {
                "code": "prorated",
                "words": "1003 of 1095 days remain of the 3-year refund term: $63.20 of the "
                "price is unearned.",
            }
        ],
        "due_on": "2024-07-01",
        "late_penalties": [
            {
                "paid_on": "2024-07-31",
                "days_late": 30,
                "percent": 10,
                "penalty": "6.32",
                "total": "69.52",
            },
            {
                "paid_on": "2024-08-30",
                "days_late": 60,
                "percent": 20,
                "penalty": "12.64",
                "total": "75.84",
            },
            {
                "paid_on": "2024-09-29",
                "days_late": 90,
                "percent": 30,
                "penalty": "18.96",
                "total": "82.16",
            },
        ],
        "claim_in_review": False,
    }


def test_the_refund_quote_is_for_today_when_no_date_is_given(api, plan):
    body = api.get(f"/contracts/{plan.number}/refund-quote").json()
    assert body["date"] == TODAY.isoformat()


def test_the_refund_quote_in_the_free_look_voids(api, plan):
    body = api.get(f"/contracts/{plan.number}/refund-quote", {"date": "2024-03-20"}).json()
    assert (body["status_after"], body["refund"]) == ("voided", "69.00")
    assert [reason["code"] for reason in body["reasons"]] == ["free_look"]


def test_the_refund_quote_names_a_state_rule(api, store):
    georgia = sell("ljpp-lifetime", "GA", "1200.00", store=store)
    body = api.get(f"/contracts/{georgia.number}/refund-quote", {"date": "2025-03-01"}).json()
    assert (body["state"], body["state_rule"], body["unearned_factor"]) == ("GA", "GA", "0.9000")
    assert "state_factor" in [reason["code"] for reason in body["reasons"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date": "2024-02-30"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"date": "1900-01-01"}, "date"),
        ({"date": "2099-01-01"}, "date"),
        ({"reason": "fraud"}, "reason"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_refund_quote_query_names_the_field(api, plan, query, field):
    response = api.get(f"/contracts/{plan.number}/refund-quote", query)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == field


def test_a_refund_quote_before_the_latest_event_is_out_of_order(api, plan):
    response = api.get(f"/contracts/{plan.number}/refund-quote", {"date": "2024-02-01"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "out_of_order"


# --- cancellations --------------------------------------------------------------------------


def test_a_cancellation_answers_with_its_refund(api, plan):
    response = api.post(f"/contracts/{plan.number}/cancellations", {"date": "2024-06-01"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CANCELLATION_KEYS
    assert (body["contract_status"], body["by"], body["refund"], body["due_on"]) == (
        "cancelled",
        "holder",
        "63.20",
        "2024-07-01",
    )
    assert Contract.objects.get(pk=plan.pk).status == "cancelled"
    before = snapshot(plan), row_counts()
    again = api.post(f"/contracts/{plan.number}/cancellations", {"date": "2024-06-01"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "contract_not_active"
    assert (snapshot(plan), row_counts()) == before


def test_a_cancellation_with_a_duplicate_warranty_refunds_in_full(api, plan):
    body = api.post(
        f"/contracts/{plan.number}/cancellations",
        {"date": "2024-06-01", "reason": "duplicate_warranty"},
    ).json()
    assert (body["refund"], body["reason"]) == ("69.00", "duplicate_warranty")


def test_a_retried_cancellation_replays_its_first_answer(api, plan):
    first = api.post(
        f"/contracts/{plan.number}/cancellations",
        {"date": "2024-06-01"},
        **{"Idempotency-Key": "c1"},
    )
    counts = row_counts()
    again = api.post(
        f"/contracts/{plan.number}/cancellations",
        {"date": "2024-06-01"},
        **{"Idempotency-Key": "c1"},
    )
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert row_counts() == counts
    other = api.post(
        f"/contracts/{plan.number}/cancellations",
        {"date": "2024-05-31"},
        **{"Idempotency-Key": "c1"},
    )
    assert other.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2024-07-01"}, "date"),  # after today: only the provider cancels ahead
        ({"date": "2024-06-01", "reason": "non_payment"}, "reason"),
        ({"date": "2024-06-01", "by": "provider"}, "by"),
        ({}, "date"),
        ({"date": 20240601}, "date"),
    ],
)
def test_a_bad_cancellation_names_the_field_and_changes_nothing(api, plan, body, field):
    before = snapshot(plan), row_counts()
    response = api.post(f"/contracts/{plan.number}/cancellations", body)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == field
    assert (snapshot(plan), row_counts()) == before


def test_a_cancellation_waits_for_a_claim_in_review(api, store):
    lifetime = sell("ljpp-lifetime", "TX", "1200.00", store=store)
    file_claim(
        lifetime,
        ("prong_repair", "85.00"),
        repairable=False,
        incident="2024-04-30",
        filed="2024-05-01",
    )
    before = snapshot(lifetime), row_counts()
    response = api.post(f"/contracts/{lifetime.number}/cancellations", {"date": "2024-06-01"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "claim_in_review"
    assert (snapshot(lifetime), row_counts()) == before
    quote = api.get(f"/contracts/{lifetime.number}/refund-quote").json()
    assert quote["claim_in_review"] is True


def test_a_key_without_the_sales_scope_cannot_cancel(store, plan):
    reader = ApiClient(key_make(store.retailer, scopes=["quotes"])[1])
    before = snapshot(plan)
    response = reader.post(f"/contracts/{plan.number}/cancellations", {"date": "2024-06-01"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_missing"
    assert snapshot(plan) == before


# --- returns --------------------------------------------------------------------------------


def test_a_return_in_the_free_look_voids_the_plan(api, plan):
    response = api.post(f"/contracts/{plan.number}/returns", {"date": "2024-03-20"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CANCELLATION_KEYS
    assert (body["contract_status"], body["refund"], body["reason"]) == (
        "voided",
        "69.00",
        "item_returned",
    )


def test_a_return_after_the_free_look_is_refused(api, plan):
    before = snapshot(plan), row_counts()
    response = api.post(f"/contracts/{plan.number}/returns", {"date": "2024-06-01"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "free_look_over"
    assert (snapshot(plan), row_counts()) == before


# --- transfers ------------------------------------------------------------------------------


def test_a_transfer_gives_the_plan_to_its_new_holder(api, plan):
    response = api.post(
        f"/contracts/{plan.number}/transfers",
        {"date": "2024-05-01", "holder": {"name": "Ben Holder", "state": "TX"}},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["number"], body["holder_name"], body["status"]) == (
        plan.number,
        "Ben Holder",
        "active",
    )
    assert list(plan.holders.order_by("since").values_list("holder__name", flat=True)) == [
        "Ada Holder",
        "Ben Holder",
    ]


def test_a_lifetime_plan_does_not_transfer(api, store):
    lifetime = sell("ljpp-lifetime", "TX", "1200.00", store=store)
    before = snapshot(lifetime), row_counts()
    response = api.post(
        f"/contracts/{lifetime.number}/transfers",
        {"date": "2024-05-01", "holder": {"name": "Ben Holder", "state": "TX"}},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_transferable"
    assert (snapshot(lifetime), row_counts()) == before


def test_a_transfer_never_echoes_a_sensitive_value(api, plan):
    before = snapshot(plan), row_counts()
    response = api.post(
        f"/contracts/{plan.number}/transfers",
        {"date": "2024-05-01", "holder": {"name": "Ben", "state": "TX", "ssn": "12-34"}},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "holder.ssn"
    assert "12-34" not in response.content.decode()
    assert (snapshot(plan), row_counts()) == before


# --- layaway --------------------------------------------------------------------------------


def test_a_layaway_sale_is_picked_up_later(api, store):
    sale = api.post("/contracts", layaway_body(store), **{"Idempotency-Key": "lay-1"})
    assert sale.status_code == 201, sale.content
    assert sale.json()["status"] == "pending_pickup"
    number = sale.json()["number"]
    detail = api.get(f"/contracts/{number}").json()
    assert (detail["coverage"]["starts_on"], detail["coverage"]["ends_on"]) == (None, None)

    picked = api.post(f"/contracts/{number}/pickup", {"date": "2024-05-20"})
    assert picked.status_code == 200, picked.content
    assert (picked.json()["status"], picked.json()["sold_on"]) == ("active", "2024-05-20")
    detail = api.get(f"/contracts/{number}").json()
    assert (detail["coverage"]["starts_on"], detail["coverage"]["ends_on"]) == (
        "2024-05-20",
        "2027-05-20",
    )
    picked = Contract.objects.get(number=number)
    before = snapshot(picked), row_counts()
    again = api.post(f"/contracts/{number}/pickup", {"date": "2024-05-21"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "not_pending_pickup"
    assert (snapshot(picked), row_counts()) == before


def test_a_layaway_cancelled_before_pickup_refunds_in_full(api, store):
    number = api.post("/contracts", layaway_body(store), **{"Idempotency-Key": "lay-2"}).json()[
        "number"
    ]
    quote = api.get(f"/contracts/{number}/refund-quote").json()
    assert (quote["status_after"], quote["refund"]) == ("voided", "69.00")
    body = api.post(f"/contracts/{number}/cancellations", {"date": "2024-06-01"}).json()
    assert (body["contract_status"], body["refund"]) == ("voided", "69.00")


# --- tenants and modes ----------------------------------------------------------------------

CHANGES = [
    ("get", "/refund-quote", None),
    ("post", "/cancellations", {"date": "2024-06-01"}),
    ("post", "/returns", {"date": "2024-03-20"}),
    ("post", "/transfers", {"date": "2024-05-01", "holder": {"name": "Ben", "state": "TX"}}),
    ("post", "/pickup", {"date": "2024-05-20"}),
]


@pytest.mark.parametrize(("method", "suffix", "body"), CHANGES)
def test_another_tenants_contract_is_not_found_and_unchanged(
    api, other_api, store, method, suffix, body
):
    theirs = sell("care-jewelry-3yr", "TX", "600.00", store=store_make(state="TX"))
    elsewhere = store_make(retailer=store.retailer, state="TX")
    other_store = sell("care-jewelry-3yr", "TX", "600.00", store=elsewhere)
    store_key = ApiClient(key_make(store.retailer, store=store)[1])
    test_key = ApiClient(key_make(store.retailer, is_test=True)[1])
    mine_live = sell("care-jewelry-3yr", "TX", "600.00", store=store)
    before = [snapshot(c) for c in (theirs, other_store, mine_live)], row_counts()

    def call(client, number):
        if method == "get":
            return client.get(f"/contracts/{number}{suffix}")
        return client.post(f"/contracts/{number}{suffix}", body)

    unknown = call(api, "CNOSUCH00")
    assert unknown.status_code == 404
    for client, number in [
        (api, theirs.number),
        (other_api, mine_live.number),
        (store_key, other_store.number),
        (test_key, mine_live.number),
    ]:
        response = call(client, number)
        assert response.status_code == 404, (number, response.content)
        assert response.json()["error"]["code"] == unknown.json()["error"]["code"]
        assert set(response.json()["error"]) == set(unknown.json()["error"])
    assert ([snapshot(c) for c in (theirs, other_store, mine_live)], row_counts()) == before


def test_a_test_key_changes_its_own_test_contract(store):
    test_key = ApiClient(key_make(store.retailer, is_test=True)[1])
    contract = contract_sell(
        caller=Caller.retailer(store.retailer),
        store=store,
        sale=sale_in("care-jewelry-3yr", "TX", "600.00"),
        is_test=True,
    )
    response = test_key.post(f"/contracts/{contract.number}/returns", {"date": "2024-03-20"})
    assert response.status_code == 201, response.content
    assert Contract.objects.get(pk=contract.pk).status == "voided"

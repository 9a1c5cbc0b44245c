import datetime as dt

import pytest
from api_support import ApiClient, key_make
from factories import file_claim, row_counts, sell, store_make

from gemcare.contracts.models import Contract

pytestmark = pytest.mark.usefixtures("presets_once")

SUMMARY_KEYS = {
    "number",
    "status",
    "product",
    "product_version",
    "store",
    "receipt_number",
    "receipt_line",
    "sold_on",
    "plan_price",
    "item",
    "holder_name",
    "is_test",
}


@pytest.fixture
def contracts(store):
    return [
        sell(store=store, purchased=dt.date(2024, 3, day), receipt_number=f"R-{day}")
        for day in range(1, 6)
    ]


def test_the_list_is_newest_first_and_pages_by_cursor(api, contracts):
    first = api.get("/contracts", {"limit": 2})
    assert first.status_code == 200, first.content
    body = first.json()
    assert set(body) == {"contracts", "next_cursor"}
    assert [c["number"] for c in body["contracts"]] == [c.number for c in contracts[::-1][:2]]
    row = body["contracts"][0]
    assert set(row) == SUMMARY_KEYS
    assert set(row["item"]) == {
        "kind",
        "description",
        "price",
        "serial",
        "water_resistant",
        "is_gift",
    }
    assert row["plan_price"] == f"{contracts[-1].plan_price:.2f}"
    assert row["item"]["price"] == "1200.00" and row["sold_on"] == "2024-03-05"
    seen = [c["number"] for c in body["contracts"]]
    cursor = body["next_cursor"]
    while cursor:
        page = api.get("/contracts", {"limit": 2, "cursor": cursor}).json()
        seen += [c["number"] for c in page["contracts"]]
        cursor = page["next_cursor"]
    assert seen == [c.number for c in contracts[::-1]]


def test_the_list_filters(api, contracts):
    def numbers(**query):
        response = api.get("/contracts", query)
        assert response.status_code == 200, response.content
        return {c["number"] for c in response.json()["contracts"]}

    everything = {c.number for c in contracts}
    assert numbers(receipt_number="R-3") == {contracts[2].number}
    assert numbers(sold_from="2024-03-02", sold_to="2024-03-03") == {
        contracts[1].number,
        contracts[2].number,
    }
    assert numbers(status="active") == everything
    assert numbers(status="voided") == set()
    assert numbers(holder_email="ADA@example.com") == everything
    assert numbers(holder_email="bob@example.com") == set()
    assert numbers(store=contracts[0].store.code) == everything
    assert numbers(store="elsewhere") == set()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"status": "lost"}, "status"),
        ({"sold_from": "2024-13-01"}, "sold_from"),
        ({"holder_email": "not an email"}, "holder_email"),
        ({"cursor": "garbage!"}, "cursor"),
        ({"cursor": "-1"}, "cursor"),
        ({"cursor": "1" * 19}, "cursor"),
        ({"receipt_number": "x" * 65}, "receipt_number"),
    ],
)
def test_bad_filters_are_422_naming_the_field(api, contracts, query, field):
    response = api.get("/contracts", query)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == field


def test_a_misspelt_filter_is_refused_rather_than_listing_everything(api, contracts):
    response = api.get("/contracts", {"reciept_number": "R-1"})
    assert response.status_code == 422, response.content
    assert response.json()["error"] == {
        "code": "unknown_field",
        "message": "reciept_number: is not a known field",
        "field": "reciept_number",
    }


def test_one_contract_in_full(api, contracts):
    contract = contracts[0]
    file_claim(contract, ("prong_repair", "40.00"), filed="2024-06-10", incident="2024-06-01")
    response = api.get(f"/contracts/{contract.number}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == SUMMARY_KEYS | {"holder", "coverage", "remaining_limit", "claims", "links"}
    number = body["number"]
    assert body["links"] == {
        "refund_quote": f"/api/v1/contracts/{number}/refund-quote",
        "certificate": f"/api/v1/contracts/{number}/certificate.pdf",
    }
    assert body["holder"] == {
        "name": "Ada Holder",
        "email": "ada@example.com",
        "phone": "",
        "state": "OK",
    }
    assert set(body["coverage"]) == {"starts_on", "ends_on", "lifetime", "causes", "services"}
    assert body["coverage"]["starts_on"] == "2024-03-01"
    assert body["coverage"]["lifetime"] is True and body["coverage"]["ends_on"] is None
    assert body["coverage"]["services"]
    assert body["remaining_limit"] is None or isinstance(body["remaining_limit"], str)
    claims = body["claims"]
    assert set(claims) == {"count", "open", "approved_total", "claims"}
    assert claims["count"] == 1
    assert set(claims["claims"][0]) == {"number", "status", "filed_on", "incident_on", "approved"}


def test_another_retailers_contract_is_404_like_an_unknown_one(other_api, contracts):
    before = row_counts()
    theirs = other_api.get(f"/contracts/{contracts[0].number}")
    unknown = other_api.get("/contracts/GC-NOSUCH")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json()["error"]["code"] == unknown.json()["error"]["code"]
    assert theirs.json()["error"]["code"] == "contract_not_found"
    assert other_api.get("/contracts").json()["contracts"] == []
    assert other_api.get("/contracts", {"receipt_number": "R-1"}).json()["contracts"] == []
    assert row_counts() == before


def test_a_store_key_sees_only_its_store(store, contracts):
    sibling = store_make(retailer=store.retailer, state="TX")
    elsewhere = sell(store=sibling)
    _, text = key_make(store=sibling)
    client = ApiClient(text)
    assert [c["number"] for c in client.get("/contracts").json()["contracts"]] == [elsewhere.number]
    assert client.get(f"/contracts/{contracts[0].number}").status_code == 404


def test_test_and_live_records_never_meet(store, contracts):
    Contract.objects.filter(pk=contracts[0].pk).update(is_test=True)
    live = ApiClient(key_make(store.retailer)[1])
    test = ApiClient(key_make(store.retailer, is_test=True)[1])
    live_numbers = {c["number"] for c in live.get("/contracts").json()["contracts"]}
    test_numbers = {c["number"] for c in test.get("/contracts").json()["contracts"]}
    assert contracts[0].number not in live_numbers and live_numbers
    assert test_numbers == {contracts[0].number}
    assert live.get(f"/contracts/{contracts[0].number}").status_code == 404
    assert test.get(f"/contracts/{contracts[1].number}").status_code == 404
    assert test.get(f"/contracts/{contracts[0].number}").json()["is_test"] is True

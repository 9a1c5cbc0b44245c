"""GET /api/v1/claims and GET /api/v1/claims/{number}: the key's claims, in its mode."""

import pytest
from api_support import ApiClient, key_make
from claim_support import (
    CLAIM_KEYS,
    LINE_KEYS,
    REIMBURSEMENT_KEYS,
    ROW_KEYS,
    error_of,
    file_ok,
    live_contract,
    sandbox_contract,
)
from factories import store_make

pytestmark = pytest.mark.usefixtures("presets_once")


@pytest.fixture
def claims(api, store):
    """Five claims on five contracts of the key's store, filed on 2024-06-01 to 2024-06-05;
    the second is denied."""
    filed = []
    for day in range(1, 6):
        cause = "theft" if day == 2 else "wear_and_tear"
        when = f"2024-06-0{day}"
        filed.append(file_ok(api, live_contract(store), filed=when, incident=when, cause=cause))
    return filed


def numbers_of(api, **query) -> list[str]:
    response = api.get("/claims", query)
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["claims"]]


def test_the_list_is_newest_first_pages_by_cursor_and_pins_its_shape(api, claims):
    first = api.get("/claims", {"limit": 2})

    assert first.status_code == 200, first.content
    body = first.json()
    assert set(body) == {"claims", "next_cursor"}
    newest = claims[-1]
    assert body["claims"][0] == {key: newest[key] for key in ROW_KEYS}
    assert all(set(row) == ROW_KEYS for row in body["claims"])
    seen = [row["number"] for row in body["claims"]]
    cursor = body["next_cursor"]
    while cursor:
        page = api.get("/claims", {"limit": 2, "cursor": cursor}).json()
        seen += [row["number"] for row in page["claims"]]
        cursor = page["next_cursor"]
    assert seen == [claim["number"] for claim in reversed(claims)]


def test_a_claim_filed_while_paging_never_shifts_a_page(api, store, claims):
    page = api.get("/claims", {"limit": 3}).json()
    file_ok(api, live_contract(store), filed="2024-06-09", incident="2024-06-09")

    rest = numbers_of(api, limit=3, cursor=page["next_cursor"])

    assert rest == [claims[1]["number"], claims[0]["number"]]


def test_the_list_filters(api, store, claims):
    every = [claim["number"] for claim in reversed(claims)]
    assert numbers_of(api, contract=claims[2]["contract"]) == [claims[2]["number"]]
    assert numbers_of(api, contract="CNOSUCH01") == []
    assert numbers_of(api, status="denied") == [claims[1]["number"]]
    assert numbers_of(api, status="fulfilled") == []
    assert numbers_of(api, filed_from="2024-06-02", filed_to="2024-06-03") == [
        claims[2]["number"],
        claims[1]["number"],
    ]
    assert numbers_of(api, filed_from="2024-06-06") == []
    assert numbers_of(api, filed_from="0001-01-01", filed_to="9999-12-31") == every
    assert numbers_of(api, store=store.code) == every
    assert numbers_of(api, store="elsewhere") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"limit": "9" * 40}, "limit"),
        ({"status": "lost"}, "status"),
        ({"filed_from": "2024-13-01"}, "filed_from"),
        ({"filed_to": "yesterday"}, "filed_to"),
        ({"cursor": "garbage!"}, "cursor"),
        ({"cursor": "-1"}, "cursor"),
        ({"cursor": "1" * 19}, "cursor"),
        ({"contract": "x" * 17}, "contract"),
        ({"store": "s" * 33}, "store"),
        ({"decision": "approved"}, "decision"),
    ],
)
def test_bad_filters_are_422_naming_the_field(api, claims, query, field):
    response = api.get("/claims", query)

    error = error_of(response, 422)
    assert error["field"] == field
    assert error["code"] == ("unknown_field" if field == "decision" else "invalid")


def test_the_list_holds_only_the_keys_claims_in_its_mode(api, store, claims):
    other_store = store_make(state="TX")
    other_api = ApiClient(key_make(other_store.retailer)[1])
    foreign = file_ok(other_api, live_contract(other_store))
    sandbox_api = ApiClient(key_make(store.retailer, is_test=True)[1])
    sandbox = file_ok(sandbox_api, sandbox_contract(store))

    mine = set(numbers_of(api, limit=100))
    assert mine == {claim["number"] for claim in claims}
    assert numbers_of(other_api) == [foreign["number"]]
    assert numbers_of(sandbox_api) == [sandbox["number"]]
    assert numbers_of(api, contract=foreign["contract"]) == []
    assert numbers_of(api, contract=sandbox["contract"]) == []


def test_a_store_key_lists_only_its_stores_claims(api, store, claims):
    sister = store_make(retailer=store.retailer, state="TX")
    at_sister = file_ok(api, live_contract(sister))
    sister_api = ApiClient(key_make(store=sister)[1])
    store_api = ApiClient(key_make(store=store)[1])

    assert numbers_of(sister_api) == [at_sister["number"]]
    assert numbers_of(sister_api, store=store.code) == []
    assert set(numbers_of(store_api)) == {claim["number"] for claim in claims}
    assert len(numbers_of(api)) == len(claims) + 1


def test_one_claim_in_full_then_with_its_reimbursement(api, claims):
    filed = claims[0]

    response = api.get(f"/claims/{filed['number']}")

    assert response.status_code == 200, response.content
    assert response.json() == filed
    assert set(filed) == CLAIM_KEYS and set(filed["lines"][0]) == LINE_KEYS
    completion = {"actual_cost": "90.00", "invoice_number": "INV-7", "completed": "2024-06-20"}
    api.post(f"/claims/{filed['number']}/completion", completion)
    body = api.get(f"/claims/{filed['number']}").json()
    assert set(body["reimbursement"]) == REIMBURSEMENT_KEYS
    assert body["reimbursement"] == {
        "actual_cost": "90.00",
        "reimbursed": "85.00",
        "completed_on": "2024-06-20",
        "invoice_number": "INV-7",
    }
    assert (body["status"], body["route"]) == ("fulfilled", "in_store")


def test_a_claim_that_is_not_the_keys_answers_like_one_that_does_not_exist(api, store, claims):
    other_store = store_make(state="TX")
    foreign = file_ok(ApiClient(key_make(other_store.retailer)[1]), live_contract(other_store))
    sandbox_api = ApiClient(key_make(store.retailer, is_test=True)[1])
    sandbox = file_ok(sandbox_api, sandbox_contract(store))
    sister = store_make(retailer=store.retailer, state="TX")
    sister_api = ApiClient(key_make(store=sister)[1])

    for client, number in [
        (api, foreign["number"]),
        (api, sandbox["number"]),
        (sandbox_api, claims[0]["number"]),
        (sister_api, claims[0]["number"]),
        (api, "KNOSUCH01"),
        (api, "K" + "9" * 3000),
        (api, "K%00X"),
    ]:
        response = client.get(f"/claims/{number}")
        error = error_of(response, 404)
        assert error["code"] == "claim_not_found" and error["field"] is None
        if len(number) < 40 and "%" not in number:
            # Exactly the answer a made-up number gets: nothing says the claim exists.
            assert error["message"] == f"No claim {number}."


def test_reads_need_the_claims_scope(store, claims):
    api = ApiClient(key_make(store.retailer, scopes=["sales"])[1])

    for path in ("/claims", f"/claims/{claims[0]['number']}"):
        assert error_of(api.get(path), 403)["code"] == "scope_missing"

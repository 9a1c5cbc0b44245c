"""POST /api/v1/contracts: a plan sale, retried safely under an Idempotency-Key."""

import json

import pytest
from api_support import ApiClient, key_make
from django.utils import timezone
from factories import row_counts, store_make

from gemcare.common.idempotency import request_fingerprint
from gemcare.common.models import IdempotencyKey
from gemcare.contracts.models import Contract

pytestmark = pytest.mark.usefixtures("presets_once")

PATH = "/api/v1/contracts"


def sale_body(at, **changes):
    body = {
        "store": at.code,
        "receipt_number": "R-20240301-0042",
        "receipt_line": 2,
        "purchased": "2024-03-01",
        "product": "care-jewelry-3yr",
        "plan_price": "69.00",
        "item": {"kind": "ring", "price": "600.00", "description": "Gold ring", "serial": "S-1"},
        "holder": {"name": "Ada Holder", "state": "TX", "email": "ada@example.com"},
    }
    body.update(changes)
    return body


def sell(api, body, key="key-1", **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.post("/contracts", body, **headers)


def everything():
    return {**row_counts(), "IdempotencyKey": IdempotencyKey.objects.count()}


def test_a_sale_is_registered_with_its_contract_in_the_answer(api, store):
    response = sell(api, sale_body(store))
    assert response.status_code == 201, response.json()
    body = response.json()
    contract = Contract.objects.get()
    assert body == {
        "number": contract.number,
        "status": "active",
        "is_test": False,
        "store": store.code,
        "receipt_number": "R-20240301-0042",
        "receipt_line": 2,
        "product": "care-jewelry-3yr",
        "product_version": 1,
        "plan_price": "69.00",
        "purchased_on": "2024-03-01",
        "term_ends_on": "2027-03-01",
        "item": {
            "kind": "ring",
            "price": "600.00",
            "description": "Gold ring",
            "serial": "S-1",
            "water_resistant": False,
            "gift": False,
            "sold_on": "2024-03-01",
        },
    }
    assert response["Location"] == f"/api/v1/contracts/{contract.number}"
    assert "Idempotent-Replayed" not in response
    assert response["X-Request-Id"]
    assert (contract.retailer_id, contract.receipt_line, contract.is_test) == (
        store.retailer_id,
        2,
        False,
    )
    # The kept answer names the contract, never the holder's details.
    kept = IdempotencyKey.objects.get()
    assert kept.state == "done" and "ada@example.com" not in json.dumps(kept.response_body)


def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(api, store):
    first = sell(api, sale_body(store))
    before = everything()
    # The same body laid out otherwise is the same request.
    again = api.client.post(
        PATH,
        json.dumps(sale_body(store), indent=2, sort_keys=True),
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": "key-1"},
    )
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert again["X-Request-Id"] != first["X-Request-Id"]
    assert everything() == before


def test_the_same_key_with_another_body_is_422_and_changes_nothing(api, store):
    sell(api, sale_body(store))
    before = everything()
    response = sell(api, sale_body(store, receipt_line=3))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert response.json()["error"]["field"] == "Idempotency-Key"
    assert everything() == before


def test_a_request_while_the_first_is_in_flight_is_409(api, key, store):
    body = sale_body(store)
    IdempotencyKey.objects.create(
        retailer_id=store.retailer_id,
        is_test=False,
        key="key-1",
        fingerprint=request_fingerprint("POST", PATH, json.dumps(body)),
        created_at=timezone.now(),
        claimed_at=timezone.now(),
    )
    before = everything()
    response = sell(api, body)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_flight"
    assert everything() == before


@pytest.mark.parametrize("value", [None, "", "x" * 256])
def test_a_sale_without_an_idempotency_key_is_refused(api, store, value):
    before = everything()
    response = sell(api, sale_body(store), key=value)
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "idempotency_key_required",
            "message": "Idempotency-Key: is required: 1 to 255 printable characters, the same "
            "on every retry",
            "field": "Idempotency-Key",
        }
    }
    assert everything() == before


def test_a_second_live_sale_of_the_receipt_line_is_409_and_replayed_as_such(api, store):
    sell(api, sale_body(store))
    before = everything()
    response = sell(api, sale_body(store), key="key-2")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_sale"
    assert {**everything(), "IdempotencyKey": before["IdempotencyKey"]} == before
    again = sell(api, sale_body(store), key="key-2")
    assert (again.status_code, again.json()) == (409, response.json())
    assert again["Idempotent-Replayed"] == "true"
    assert sell(api, sale_body(store, receipt_line=3), key="key-3").status_code == 201


def test_a_plan_price_that_is_not_the_band_price_is_422(api, store):
    before = everything()
    response = sell(api, sale_body(store, plan_price="70.00"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("price_mismatch", "plan_price")
    assert {**everything(), "IdempotencyKey": before["IdempotencyKey"]} == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"plan_price": "69.001"}, "plan_price"),
        ({"receipt_line": 0}, "receipt_line"),
        ({"purchased": "2999-01-01"}, "purchased"),
        ({"quote_id": "qt_abc"}, "body"),
        ({"store": None}, "store"),
        ({"is_test": True}, "is_test"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_claims_no_key(api, store, change, field):
    before = everything()
    response = sell(api, sale_body(store, **change))
    assert response.status_code == 422, response.json()
    assert response.json()["error"]["field"] == field
    assert everything() == before


def test_a_test_key_makes_test_records_apart_from_live_ones(api, store):
    _, text = key_make(store.retailer, is_test=True)
    live = sell(api, sale_body(store))
    test = sell(ApiClient(text), sale_body(store))  # same receipt line, same idempotency key
    assert (live.status_code, test.status_code) == (201, 201)
    assert test.json()["is_test"] is True and "Idempotent-Replayed" not in test
    assert Contract.objects.get(number=test.json()["number"]).is_test
    assert not Contract.objects.get(number=live.json()["number"]).is_test


def test_another_retailers_store_is_404_like_an_unknown_one(api, store):
    other = store_make()
    before = everything()
    theirs = sell(api, sale_body(store, store=other.code), key="k-a")
    unknown = sell(api, sale_body(store, store="no-such-store"), key="k-b")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json()["error"]["code"] == unknown.json()["error"]["code"] == "store_not_found"
    assert Contract.objects.count() == before["Contract"]


def test_a_store_key_sells_only_in_its_store(store):
    sister = store_make(retailer=store.retailer, state="TX")
    _, text = key_make(store=store)
    api = ApiClient(text)
    assert sell(api, sale_body(sister)).status_code == 404
    assert sell(api, sale_body(store), key="key-2").status_code == 201


def test_a_key_without_the_sales_scope_is_403(store):
    _, text = key_make(store.retailer, scopes=["quotes"])
    before = everything()
    response = sell(ApiClient(text), sale_body(store))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_missing"
    assert everything() == before


CART = {"holder_state": "TX", "items": [{"line_id": "A", "kind": "ring", "price": "600.00"}]}


def test_a_sale_against_a_quote_charges_the_quoted_price(api, store):
    quote = api.post("/quotes", CART).json()
    sale = sale_body(store, quote_id=quote["id"], quote_line="A")
    assert sell(api, sale).status_code == 201
    wrong_line = sell(api, {**sale, "receipt_line": 3, "quote_line": "B"}, key="key-2")
    assert wrong_line.status_code == 422
    assert wrong_line.json()["error"]["code"] == "quote_line_unknown"
    unknown = sell(api, {**sale, "receipt_line": 4, "quote_id": "qt_nope"}, key="key-3")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "quote_not_found"


def test_another_retailers_quote_is_not_found(api, other_api, store):
    quote = other_api.post("/quotes", CART).json()
    before = everything()
    response = sell(api, sale_body(store, quote_id=quote["id"], quote_line="A"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "quote_not_found"
    assert Contract.objects.count() == before["Contract"]


def test_the_openapi_document_lists_the_sale_and_its_codes(api):
    schema = api.client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/contracts"]["post"]
    assert operation["responses"]["201"]
    header = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert header and header[0]["in"] == "header"
    for status, code in [("409", "duplicate_sale"), ("422", "idempotency_key_reused")]:
        assert code in operation["responses"][status]["description"]


def test_a_gift_names_its_recipient_at_the_sale(api, store):
    body = sale_body(store)
    body["item"] = {**body["item"], "gift": True}
    body["gift_recipient"] = {"name": "Ben Recipient", "state": "TX"}
    response = sell(api, body)
    assert response.status_code == 201, response.json()
    assert response.json()["item"]["gift"] is True
    contract = Contract.objects.get(number=response.json()["number"])
    assert contract.holder.name == "Ben Recipient"
    not_a_gift = sell(api, {**body, "item": sale_body(store)["item"]}, key="key-2")
    assert not_a_gift.status_code == 422
    assert not_a_gift.json()["error"]["field"] == "gift_recipient"

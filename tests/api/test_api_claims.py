"""POST /api/v1/claims: a claim filed from the point of sale, decided at once."""

import json

import pytest
from api_support import ApiClient, key_make
from claim_support import (
    CLAIM_KEYS,
    LINE_KEYS,
    PRONG,
    claim_body,
    error_of,
    everything,
    file_ok,
    layaway,
    live_contract,
    sandbox_contract,
)
from django.utils import timezone
from factories import cancel, store_make

from gemcare.claims.models import Claim
from gemcare.common.idempotency import request_fingerprint
from gemcare.common.models import AuditEntry, IdempotencyKey

pytestmark = pytest.mark.usefixtures("presets_once")

PATH = "/api/v1/claims"
SIZING = {"service": "ring_sizing", "cost": "40.00", "sizes": 3}
SIZING_WORDS = "Ring sizing is covered up to 2 sizes up or down; 3 were asked for."


def test_a_claim_is_filed_and_answers_its_decision_line_by_line(api, key, store):
    contract = live_contract(store)
    before = everything()

    response = api.post("/claims", claim_body(contract, PRONG, SIZING))

    assert response.status_code == 201, response.content
    claim = Claim.objects.get()
    assert response.json() == {
        "number": claim.number,
        "contract": contract.number,
        "store": store.code,
        "is_test": False,
        "status": "approved",
        "filed_on": "2024-06-10",
        "incident_on": "2024-06-01",
        "cause": "wear_and_tear",
        "channel": "jeweler",
        "decision": "partially_approved",
        "reason_code": "sizing_limit",
        "reason_words": SIZING_WORDS,
        "approved": "85.00",
        "holder_share": "40.00",
        "remaining_limit": "1115.00",
        "fulfilment": "repair",
        "needs_review": False,
        "review_open": False,
        "review_requested_on": None,
        "route": None,
        "repair_center": None,
        "repairable": True,
        "maintenance_done": True,
        "lines": [
            {
                "service": "prong_repair",
                "estimated_cost": "85.00",
                "sizes": None,
                "result": "approved",
                "approved": "85.00",
                "reason_code": "line_approved",
                "reason_words": "prong repair is covered: $85.00 approved.",
            },
            {
                "service": "ring_sizing",
                "estimated_cost": "40.00",
                "sizes": 3,
                "result": "denied",
                "approved": "0.00",
                "reason_code": "sizing_limit",
                "reason_words": SIZING_WORDS,
            },
        ],
        "reimbursement": None,
    }
    assert response["Location"] == f"/api/v1/claims/{claim.number}"
    assert "Idempotent-Replayed" not in response
    # The jeweler's claim, by the key: no person is recorded as filing it.
    assert (claim.channel, claim.filed_by_id, claim.retailer_id) == (
        "jeweler",
        None,
        store.retailer_id,
    )
    entry = AuditEntry.objects.get(action="claim_filed")
    assert entry.actor_label == f"api_key:{key[0].pk}"
    after = everything()
    assert (after["Claim"], after["ClaimLine"], after["ClaimDecision"]) == (
        before["Claim"] + 1,
        before["ClaimLine"] + 2,
        before["ClaimDecision"] + 1,
    )
    assert after["IdempotencyKey"] == before["IdempotencyKey"]  # no header, no key kept


def test_a_denial_is_an_answer_not_an_error(api, store):
    contract = live_contract(store)
    cancel(contract, date="2024-05-01")

    body = file_ok(api, contract, PRONG)

    assert (body["decision"], body["status"], body["reason_code"]) == (
        "denied",
        "denied",
        "contract_not_active",
    )
    assert body["reason_words"] == "The plan is cancelled, so it no longer covers claims."
    assert [line["reason_code"] for line in body["lines"]] == ["contract_not_active"]
    assert (body["approved"], body["holder_share"], body["fulfilment"]) == ("0.00", "85.00", None)


def test_a_big_claim_waits_for_an_adjuster(api, store):
    contract = live_contract(store, "care-jewelry-lifetime", "5000.00")
    stone = {"service": "stone_replacement", "cost": "1800.00"}

    body = file_ok(api, contract, stone, cause="accidental_damage")

    assert (body["status"], body["needs_review"], body["approved"]) == (
        "awaiting_review",
        True,
        "1800.00",
    )
    assert body["remaining_limit"] is None and body["reason_code"] is None
    assert set(body) == CLAIM_KEYS and set(body["lines"][0]) == LINE_KEYS


# --- claim_open ------------------------------------------------------------------------------


def test_a_second_claim_while_one_is_open_is_409_and_changes_nothing(api, store):
    contract = live_contract(store)
    first = file_ok(api, contract)
    before = everything()

    response = api.post("/claims", claim_body(contract, filed="2024-06-12"))

    error = error_of(response, 409)
    assert error["code"] == "claim_open" and error["field"] is None
    assert first["number"] in error["message"]
    assert everything() == before


def test_a_claim_awaiting_review_is_open_too(api, store):
    contract = live_contract(store, "care-jewelry-lifetime", "5000.00")
    stone = {"service": "stone_replacement", "cost": "1800.00"}
    file_ok(api, contract, stone, cause="accidental_damage")
    before = everything()

    response = api.post("/claims", claim_body(contract))

    assert error_of(response, 409)["code"] == "claim_open"
    assert everything() == before


def test_a_completed_claim_no_longer_blocks_the_next(api, store):
    contract = live_contract(store)
    first = file_ok(api, contract)
    completion = {"actual_cost": "80.00", "invoice_number": "INV-1", "completed": "2024-06-20"}
    assert api.post(f"/claims/{first['number']}/completion", completion).status_code == 201

    second = file_ok(api, contract, filed="2024-07-01", incident="2024-06-25")

    assert second["remaining_limit"] == "1030.00"  # 1,200.00 - 85.00 - 85.00


def test_denied_and_returned_claims_are_closed_and_never_block(api, store):
    denied_on = live_contract(store)
    assert file_ok(api, denied_on, cause="theft")["status"] == "denied"
    assert file_ok(api, denied_on, filed="2024-06-11")["status"] == "approved"

    # A care plan claimed within 30 days of its purchase goes back to the jeweler.
    returned_on = live_contract(store, "care-jewelry-3yr", "600.00")
    returned = file_ok(api, returned_on, filed="2024-03-10", incident="2024-03-05")
    assert (returned["status"], returned["decision"]) == (
        "returned_to_jeweler",
        "return_to_jeweler",
    )
    assert file_ok(api, returned_on)["status"] == "approved"


def test_a_layaway_not_yet_picked_up_takes_no_claim(api, store):
    contract = layaway(store)
    before = everything()

    response = api.post("/claims", claim_body(contract))

    error = error_of(response, 409)
    assert error == {
        "code": "not_picked_up",
        "message": "The item has not been picked up: the plan covers it from the pickup on.",
        "field": None,
    }
    assert everything() == before


def test_a_filing_before_the_contracts_latest_event_is_out_of_order(api, store):
    contract = live_contract(store)
    first = file_ok(api, contract)
    completion = {"actual_cost": "80.00", "invoice_number": "INV-1", "completed": "2024-07-01"}
    api.post(f"/claims/{first['number']}/completion", completion)
    before = everything()

    response = api.post("/claims", claim_body(contract, filed="2024-06-20"))

    error = error_of(response, 409)
    assert error["code"] == "out_of_order" and "2024-07-01" in error["message"]
    assert everything() == before


def test_an_incident_after_the_filing_is_422(api, store):
    contract = live_contract(store)
    before = everything()

    response = api.post("/claims", claim_body(contract, incident="2024-06-11"))

    error = error_of(response, 422)
    assert (error["code"], error["field"]) == ("incident_after_filing", "incident")
    assert everything() == before


# --- hostile input ---------------------------------------------------------------------------

HUGE = "x" * 5000


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": [{"service": "prong_repair", "cost": "85.001"}]}, "lines[0].cost"),
        ({"lines": [{"service": "prong_repair", "cost": "NaN"}]}, "lines[0].cost"),
        ({"lines": [{"service": "prong_repair", "cost": "-5.00"}]}, "lines[0].cost"),
        ({"lines": [{"service": "prong_repair", "cost": 85}]}, "lines[0].cost"),
        ({"lines": [{"service": "prong_repair", "cost": 85.5}]}, "lines[0].cost"),
        ({"lines": [{"service": "prong_repair", "cost": "1e3"}]}, "lines[0].cost"),
        ({"lines": [{"service": "prong_repair", "cost": "99999999999.00"}]}, "lines[0].cost"),
        ({"lines": [{"service": "teleportation", "cost": "85.00"}]}, "lines[0].service"),
        ({"lines": [{"service": HUGE, "cost": "85.00"}]}, "lines[0].service"),
        ({"lines": [{**SIZING, "sizes": 0}]}, "lines[0].sizes"),
        ({"lines": [{**SIZING, "sizes": 11}]}, "lines[0].sizes"),
        ({"lines": [{**SIZING, "sizes": True}]}, "lines[0].sizes"),
        ({"lines": [{**SIZING, "sizes": 10**30}]}, "lines[0].sizes"),
        ({"lines": [PRONG] * 51}, "lines"),
        ({"lines": []}, "lines"),
        ({"lines": "prong_repair"}, "lines"),
        ({"lines": [{**PRONG, "discount": "5.00"}]}, "lines[0].discount"),
        ({"filed": "2999-01-01"}, "filed"),
        ({"filed": "2024-02-30"}, "filed"),
        ({"incident": "1800-01-01"}, "incident"),
        ({"incident": "9999-12-31"}, "incident"),
        ({"incident": "2024-06-01T10:00:00"}, "incident"),
        ({"incident": 20240601}, "incident"),
        ({"cause": "alien_abduction"}, "cause"),
        ({"cause": None}, "cause"),
        ({"contract": HUGE}, "contract"),
        ({"contract": ""}, "contract"),
        ({"contract": ["C1"]}, "contract"),
        ({"repairable": "no"}, "repairable"),
        ({"maintenance_done": 0}, "maintenance_done"),
        ({"channel": "customer"}, "channel"),
        ({"approved": "9999.00"}, "approved"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_files_nothing(api, store, change, field):
    contract = live_contract(store)
    before = everything()

    response = api.post("/claims", {**claim_body(contract), **change})

    error = error_of(response, 422)
    assert error["field"] == field, error
    assert HUGE not in error["message"]
    assert everything() == before


def test_a_body_that_is_not_json_or_holds_nan_is_400(api, store):
    contract = live_contract(store)
    before = everything()
    text = json.dumps(claim_body(contract)).replace('"85.00"', "NaN")

    for raw in (text, "{not json", "[]"):
        response = api.client.post(PATH, raw, content_type="application/json", headers=api.headers)
        assert response.status_code in (400, 422), response.content
        assert set(response.json()["error"]) == {"code", "message", "field"}
    assert everything() == before


def test_a_missing_field_is_named(api, store):
    body = claim_body(live_contract(store))
    del body["cause"]

    error = error_of(api.post("/claims", body), 422)

    assert (error["code"], error["field"]) == ("invalid", "cause")


# --- idempotency -----------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_first_answer(api, store):
    contract = live_contract(store)
    first = api.post("/claims", claim_body(contract), **{"Idempotency-Key": "claim-1"})
    assert first.status_code == 201
    before = everything()

    again = api.client.post(
        PATH,
        json.dumps(claim_body(contract), indent=2, sort_keys=True),
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": "claim-1"},
    )

    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert everything() == before


def test_a_refusal_under_a_key_is_kept_and_replayed(api, store):
    contract = live_contract(store)
    file_ok(api, contract)

    refused = api.post("/claims", claim_body(contract), **{"Idempotency-Key": "claim-2"})
    again = api.post("/claims", claim_body(contract), **{"Idempotency-Key": "claim-2"})

    assert refused.status_code == again.status_code == 409
    assert again.json() == refused.json() and refused.json()["error"]["code"] == "claim_open"
    assert again["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_claim_is_422_and_changes_nothing(api, store):
    contract = live_contract(store)
    api.post("/claims", claim_body(contract), **{"Idempotency-Key": "claim-3"})
    other = live_contract(store)
    before = everything()

    response = api.post("/claims", claim_body(other), **{"Idempotency-Key": "claim-3"})

    error = error_of(response, 422)
    assert (error["code"], error["field"]) == ("idempotency_key_reused", "Idempotency-Key")
    assert everything() == before


def test_a_filing_while_the_first_is_in_flight_is_409(api, store):
    contract = live_contract(store)
    body = claim_body(contract)
    IdempotencyKey.objects.create(
        retailer_id=store.retailer_id,
        is_test=False,
        key="claim-4",
        fingerprint=request_fingerprint("POST", PATH, json.dumps(body)),
        created_at=timezone.now(),
        claimed_at=timezone.now(),
    )
    before = everything()

    response = api.post("/claims", body, **{"Idempotency-Key": "claim-4"})

    assert error_of(response, 409)["code"] == "idempotency_in_flight"
    assert everything() == before


@pytest.mark.parametrize("value", ["", "x" * 256, "clé"])
def test_a_malformed_idempotency_key_is_422(api, store, value):
    contract = live_contract(store)
    before = everything()

    response = api.post("/claims", claim_body(contract), **{"Idempotency-Key": value})

    error = error_of(response, 422)
    assert (error["code"], error["field"]) == ("idempotency_key_required", "Idempotency-Key")
    assert everything() == before


def test_test_and_live_keys_keep_their_own_idempotency_keys(api, store):
    _, text = key_make(store.retailer, is_test=True)
    live = api.post("/claims", claim_body(live_contract(store)), **{"Idempotency-Key": "same"})
    test = ApiClient(text).post(
        "/claims", claim_body(sandbox_contract(store)), **{"Idempotency-Key": "same"}
    )

    assert (live.status_code, test.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in test
    assert (live.json()["is_test"], test.json()["is_test"]) == (False, True)


# --- whose contract --------------------------------------------------------------------------


def test_a_contract_that_is_not_the_keys_answers_like_one_that_does_not_exist(api, store):
    theirs = live_contract(store_make(state="TX"))
    sandbox = sandbox_contract(store)
    before = everything()

    for number in (theirs.number, sandbox.number, "CNOSUCH01"):
        response = api.post("/claims", claim_body(number))
        assert error_of(response, 404) == {
            "code": "contract_not_found",
            "message": f"No contract {number}.",
            "field": None,
        }
    assert everything() == before


def test_a_store_key_files_only_on_its_stores_contracts(store):
    sister = store_make(retailer=store.retailer, state="TX")
    api = ApiClient(key_make(store=store)[1])
    elsewhere = live_contract(sister)
    before = everything()

    assert error_of(api.post("/claims", claim_body(elsewhere)), 404)["code"] == (
        "contract_not_found"
    )
    assert everything() == before
    assert file_ok(api, live_contract(store))["store"] == store.code


def test_a_test_key_files_on_test_contracts_and_not_on_live_ones(store):
    api = ApiClient(key_make(store.retailer, is_test=True)[1])
    live = live_contract(store)

    assert error_of(api.post("/claims", claim_body(live)), 404)["code"] == "contract_not_found"
    assert file_ok(api, sandbox_contract(store))["is_test"] is True


def test_a_key_without_the_claims_scope_is_403(store):
    api = ApiClient(key_make(store.retailer, scopes=["quotes", "sales"])[1])
    contract = live_contract(store)
    before = everything()

    response = api.post("/claims", claim_body(contract))

    assert error_of(response, 403)["code"] == "scope_missing"
    assert everything() == before


def test_the_openapi_document_lists_every_code_of_the_claim_endpoints(api):
    schema = api.client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected = {
        ("/api/v1/claims", "post"): {
            "201": [],
            "404": ["contract_not_found"],
            "409": ["claim_open", "not_picked_up", "out_of_order", "idempotency_in_flight"],
            "422": ["incident_after_filing", "idempotency_key_reused", "unknown_field"],
        },
        ("/api/v1/claims", "get"): {"200": [], "422": ["invalid"]},
        ("/api/v1/claims/{number}", "get"): {"200": [], "404": ["claim_not_found"]},
        ("/api/v1/claims/{number}/fulfilment", "post"): {
            "200": [],
            "404": ["claim_not_found", "repair_center_not_found"],
            "409": ["claim_needs_review", "claim_completed", "repair_center_not_approved"],
            "422": ["repair_center_required"],
        },
        ("/api/v1/claims/{number}/completion", "post"): {
            "201": [],
            "404": ["claim_not_found"],
            "409": ["claim_not_approved", "out_of_order", "contract_not_active"],
        },
    }
    for (path, method), statuses in expected.items():
        operation = paths[path][method]
        assert operation["security"], path
        for status, codes in statuses.items():
            described = operation["responses"][status]["description"]
            for code in codes:
                assert f"`{code}`" in described, (path, method, status, code)
        assert "`scope_missing`" in operation["responses"]["403"]["description"]
    assert "Idempotency-Key" in {
        parameter["name"] for parameter in paths["/api/v1/claims"]["post"]["parameters"]
    }

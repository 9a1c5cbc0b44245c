"""The OpenAPI document says what the API takes, and a rule across fields answers its own
code: a client generated from the document never sends schema-valid data that is refused
as a bare `invalid`."""

import json

import pytest
from api_support import ApiClient, key_make
from django.test import Client
from factories import row_counts, sell

from gemcare.claims.models import Claim
from gemcare.common.schemas import validate_input
from gemcare.contracts.schemas import SaleIn

pytestmark = pytest.mark.usefixtures("presets_once")


def no_repeated_keys(pairs):
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), f"repeated keys: {keys}"
    return dict(pairs)


def test_the_document_repeats_no_key_and_each_error_has_its_shape(db):
    raw = Client().get("/api/v1/openapi.json").content
    schema = json.loads(raw, object_pairs_hook=no_repeated_keys)
    for operations in schema["paths"].values():
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    content = answer["content"]["application/json"]
                    assert content["schema"] and content["example"]["error"]["code"]


def test_the_idempotency_key_header_says_what_it_takes(db):
    schema = Client().get("/api/v1/openapi.json").json()
    sale = schema["paths"]["/api/v1/contracts"]["post"]
    (header,) = [p for p in sale["parameters"] if p["name"] == "Idempotency-Key"]
    assert header["required"] is True
    assert (header["schema"]["minLength"], header["schema"]["maxLength"]) == (1, 255)
    assert header["schema"]["pattern"]


def test_the_document_is_made_once_per_process(db, django_assert_max_num_queries):
    first = Client().get("/api/v1/openapi.json").content
    assert Client().get("/api/v1/openapi.json").content == first


def test_sensitive_fields_carry_their_patterns(db):
    schema = Client().get("/api/v1/openapi.json").json()
    text = json.dumps(schema["components"]["schemas"])
    assert "[0-9]{3}-[0-9]{2}-[0-9]{4}" in text and "[0-9]{4,17}" in text


def test_an_ssn_in_another_scripts_digits_is_refused():
    with pytest.raises(Exception) as refused:
        validate_input(
            SaleIn,
            {
                "product": "care-jewelry-3yr",
                "receipt_number": "R-1",
                "purchased": "2024-03-01",
                "item": {"kind": "ring", "price": "600.00"},
                "holder": {"name": "Ada", "state": "TX", "ssn": "١٢٣-٤٥-٦٧٨٩"},
            },
        )
    assert refused.value.field == "holder.ssn"
    assert "١٢٣" not in str(refused.value)


@pytest.fixture
def claims_api(store):
    return ApiClient(key_make(store.retailer)[1])


def test_estimates_past_an_amount_are_their_own_422(claims_api, store):
    contract = sell("ljpp-lifetime", "TX", "1200.00", store=store)
    before = row_counts()
    response = claims_api.post(
        "/claims",
        {
            "contract": contract.number,
            "incident": "2024-05-01",
            "cause": "wear_and_tear",
            "lines": [
                {"service": "prong_repair", "cost": "9999999999.99"},
                {"service": "stone_tightening", "cost": "9999999999.99"},
            ],
        },
    )
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("estimates_too_large", "lines")
    assert "prong_repair" not in error["message"]  # a list is never quoted
    assert row_counts() == before


def test_a_whole_number_written_with_a_point_is_a_whole_number(claims_api, store):
    contract = sell("ljpp-lifetime", "TX", "1200.00", store=store)
    response = claims_api.post(
        "/claims",
        {
            "contract": contract.number,
            "incident": "2024-05-01",
            "filed": "2024-05-02",
            "cause": "wear_and_tear",
            "lines": [{"service": "ring_sizing", "cost": "40.00", "sizes": 2.0}],
        },
    )
    assert response.status_code == 201, response.content
    assert Claim.objects.get(number=response.json()["number"]).lines.get().sizes == 2
    fraction = claims_api.post(
        "/claims",
        {
            "contract": contract.number,
            "incident": "2024-05-01",
            "cause": "wear_and_tear",
            "lines": [{"service": "ring_sizing", "cost": "40.00", "sizes": 2.5}],
        },
    )
    assert fraction.status_code == 422
    assert fraction.json()["error"]["field"] == "lines[0].sizes"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"quote_id": "qt_x"}, "quote_line_required"),
        ({"gift_recipient": {"name": "Ben", "state": "TX"}}, "gift_recipient_without_gift"),
    ],
)
def test_a_sale_rule_across_fields_has_its_code(claims_api, store, changes, code):
    body = {
        "store": store.code,
        "receipt_number": "R-CODES",
        "purchased": "2024-03-01",
        "product": "care-jewelry-3yr",
        "plan_price": "69.00",
        "item": {"kind": "ring", "price": "600.00"},
        "holder": {"name": "Ada Holder", "state": "TX"},
        **changes,
    }
    response = claims_api.post("/contracts", body, **{"Idempotency-Key": code})
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    "url",
    ["https://user:secret@pos.example.com/hook", "https://pos..example.com:0/", "https://[::1/"],
)
def test_a_malformed_webhook_url_has_its_code(claims_api, url):
    response = claims_api.post("/webhooks/endpoints", {"url": url, "events": ["contract.created"]})
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("webhook_url_malformed", "url")
    assert "secret" not in error["message"]

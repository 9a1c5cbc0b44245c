"""The framing of requests: bodies, content types, unknown routes, the rate limit, OpenAPI.
Whatever a client sends, the answer is a 4xx in the one error shape, never a 5xx."""

import json

import pytest
from api_support import ApiClient
from django.test import Client
from factories import row_counts

pytestmark = pytest.mark.usefixtures("presets_once")

CART = {"holder_state": "TX", "items": [{"line_id": "1", "kind": "ring", "price": "500.00"}]}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code, body
    assert response["X-Request-Id"]
    return body["error"]


def test_a_body_over_the_limit_is_413_and_keeps_nothing(api):
    before = row_counts()
    huge = json.dumps({**CART, "padding": "x" * 1_100_000})
    assert_error(api.post("/quotes", huge), 413, "payload_too_large")
    assert row_counts() == before


def test_a_content_length_over_the_limit_is_413_unread(api, key):
    client = Client()
    response = client.generic(
        "POST",
        "/api/v1/quotes",
        b"{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {key[1]}"},
        CONTENT_LENGTH="5000000",
    )
    assert_error(response, 413, "payload_too_large")


def test_malformed_json_is_400(api):
    bodies = ['{"holder_state": "TX",', "{'a': 1}", "\xff\xfe", "[" * 10000]
    bodies += ['{"holder_state": NaN, "items": []}', '{"holder_state": "\\ud800", "items": []}']
    bodies += ['{"\\udfff": 1}', b'{"holder_state": "\xed\xa0\x80"}']
    for body in bodies:
        assert_error(api.post("/quotes", body), 400, "malformed_json")


def test_a_body_that_is_not_utf8_is_a_4xx(api):
    response = api.post("/quotes", b"\xff\xfe\xfa")
    assert 400 <= response.status_code < 500


def test_a_wrong_content_type_is_415(api):
    before = row_counts()
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/mixed"]:
        response = api.post("/quotes", json.dumps(CART), content_type=content_type)
        assert_error(response, 415, "unsupported_media_type")
    assert row_counts() == before


def test_json_with_a_charset_is_fine(api):
    response = api.post("/quotes", json.dumps(CART), content_type="application/json; charset=utf-8")
    assert response.status_code == 201


def test_nan_and_huge_numbers_are_422(api):
    for price in ["NaN", "Infinity", "1e400", 1e308, "99999999999.00"]:
        cart = {**CART, "items": [{**CART["items"][0], "price": price}]}
        body = json.dumps(cart) if price != 1e308 else json.dumps(cart).replace("1e+308", "1e308")
        assert assert_error(api.post("/quotes", body), 422, "invalid")["field"] == "items[0].price"
    raw = '{"holder_state": "TX", "items": [{"line_id": "1", "kind": "ring", "price": NaN}]}'
    assert api.post("/quotes", raw).status_code in {400, 422}


def test_an_unknown_route_and_method_answer_in_the_error_shape(api):
    assert_error(api.get("/nowhere"), 404, "route_not_found")
    response = api.client.delete("/api/v1/products", headers=api.headers)
    assert response.status_code in {404, 405}
    assert response.json()["error"]["code"] in {"route_not_found", "method_not_allowed"}


def test_the_rate_limit_is_429_with_retry_after(api, settings):
    settings.GEMCARE_API_RATE = "3/min"
    for _ in range(3):
        assert api.get("/products").status_code == 200
    response = api.get("/products")
    error = assert_error(response, 429, "rate_limited")
    assert error["message"]
    assert int(response["Retry-After"]) >= 1


def test_the_rate_limit_is_per_key(api, other_api, settings):
    settings.GEMCARE_API_RATE = "2/min"
    assert api.get("/products").status_code == 200
    assert api.get("/products").status_code == 200
    assert api.get("/products").status_code == 429
    assert other_api.get("/products").status_code == 200


def test_the_openapi_document_lists_every_error_code(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"] == "bearer"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "401" in responses and "429" in responses, (path, method)
            for status, answer in responses.items():
                if status.startswith("4"):
                    assert "Codes: `" in answer["description"], (path, method, status)
                    assert "example" in answer["content"]["application/json"]
    quotes = schema["paths"]["/api/v1/quotes"]["post"]
    assert "403" in quotes["responses"] and "413" in quotes["responses"]
    assert quotes["requestBody"]["content"]["application/json"]["example"]["items"]
    assert (
        "contract_not_found"
        in (schema["paths"]["/api/v1/contracts/{number}"]["get"]["responses"]["404"]["description"])
    )


def test_the_docs_page_is_served(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_no_key_in_the_unauthorized_log(db, caplog):
    caplog.set_level("DEBUG")
    secret = "gck_live_aaaaaaaaaaaa_" + "S" * 40
    ApiClient(secret).get("/products")
    ApiClient(None).get("/products", Authorization=f"Token {secret}")
    assert secret not in caplog.text


def test_an_empty_rate_turns_the_limit_off(api, settings):
    settings.GEMCARE_API_RATE = ""
    for _ in range(5):
        assert api.get("/products").status_code == 200
    settings.GEMCARE_API_RATE = "1/min"
    assert api.get("/products").status_code == 200
    assert api.get("/products").status_code == 429

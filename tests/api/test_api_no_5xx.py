"""Whatever a client sends, the API answers 2xx or 4xx, in its shapes; never a 5xx."""

import json

import pytest
from api_support import ApiClient, amounts, json_values, key_make
from factories import store_make
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.usefixtures("presets_once")

item = st.fixed_dictionaries(
    {
        "line_id": st.text(max_size=70),
        "kind": st.sampled_from(["ring", "watch", "loose_stone", "custom_work", "car", ""]),
        "price": amounts,
    },
    optional={"water_resistant": json_values, "sku": json_values, "extra": json_values},
)
carts = st.fixed_dictionaries(
    {
        "holder_state": st.sampled_from(["TX", "OK", "XX", "", "tx"]),
        "items": st.lists(item, max_size=4),
    }
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_answered(response):
    assert response.status_code < 500, response.content[:300]
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}


@pytest.fixture
def client(db):
    return ApiClient(key_make(store_make().retailer)[1])


@FUZZ
@given(body=st.one_of(carts, json_values))
def test_quotes_never_5xx(client, body):
    assert_answered(client.post("/quotes", json.dumps(body)))


@FUZZ
@given(raw=st.binary(max_size=200))
def test_raw_bodies_never_5xx(client, raw):
    assert_answered(client.post("/quotes", raw))


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "receipt_number",
                "holder_email",
                "holder_phone",
                "status",
                "store",
                "sold_from",
                "sold_to",
                "limit",
                "cursor",
                "other",
            ]
        ),
        st.text(max_size=40),
        max_size=4,
    )
)
def test_contract_lists_never_5xx(client, query):
    assert_answered(client.get("/contracts", query))


@FUZZ
@given(number=st.text(min_size=1, max_size=80).filter(lambda n: "/" not in n and "?" not in n))
def test_contract_numbers_never_5xx(client, number):
    from urllib.parse import quote

    assert_answered(client.get(f"/contracts/{quote(number, safe='')}"))

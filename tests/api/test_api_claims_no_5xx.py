"""Whatever a client sends to the claim endpoints, the answer is 2xx or 4xx in the API's
shapes, never a 5xx; and a refused filing files nothing."""

import json

import pytest
from api_support import ApiClient, amounts, json_values, key_make
from claim_support import file_ok, live_contract
from factories import store_make
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemcare.claims.models import Claim

pytestmark = pytest.mark.usefixtures("presets_once")

dates = st.one_of(st.dates().map(str), st.text(max_size=12), st.integers(), st.none())
lines = st.fixed_dictionaries(
    {
        "service": st.sampled_from(["prong_repair", "ring_sizing", "teleport", "", "PRONG"]),
        "cost": amounts,
    },
    optional={"sizes": json_values, "extra": json_values},
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
    return response


@pytest.fixture
def world(db):
    store = store_make(state="TX")
    client = ApiClient(key_make(store.retailer)[1])
    contract = live_contract(store)
    approved = file_ok(client, live_contract(store))["number"]
    return client, contract, approved


@FUZZ
@given(
    body=st.one_of(
        st.fixed_dictionaries(
            {
                "incident": dates,
                "cause": st.sampled_from(["wear_and_tear", "theft", "", "x" * 40]),
                "lines": st.lists(lines, max_size=3),
            },
            optional={"filed": dates, "repairable": json_values, "channel": json_values},
        ),
        json_values,
    )
)
def test_filing_never_5xx(world, body):
    client, contract, _ = world
    if isinstance(body, dict):
        body = {"contract": contract.number, **body}
    before = Claim.objects.count()

    response = assert_answered(client.post("/claims", json.dumps(body)))

    assert Claim.objects.count() == before + (1 if response.status_code == 201 else 0)


@FUZZ
@given(body=json_values, cost=amounts, invoice=json_values, completed=dates)
def test_the_work_endpoints_never_5xx(world, body, cost, invoice, completed):
    client, _, approved = world
    assert_answered(client.post(f"/claims/{approved}/fulfilment", json.dumps(body)))
    completion = {"actual_cost": cost, "invoice_number": invoice, "completed": completed}
    assert_answered(client.post(f"/claims/{approved}/completion", json.dumps(completion)))


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(
            ["contract", "status", "store", "filed_from", "filed_to", "limit", "cursor", "x"]
        ),
        st.text(max_size=24),
        max_size=4,
    ),
    number=st.text(max_size=40),
)
def test_reads_never_5xx(world, query, number):
    client, _, _ = world
    assert_answered(client.get("/claims", query))
    path_safe = "".join(ch for ch in number if ch not in "/?#") or "K"
    response = client.client.get(f"/api/v1/claims/{path_safe}", headers=client.headers)
    assert response.status_code < 500

"""A claim's channel and its request for a person's review, in the partner API's claim
shapes (one claim, the list) and in the OpenAPI document."""

import pytest
from claim_support import PRONG, ROW_KEYS, file_ok, live_contract
from django.test import Client
from factories import SYSTEM, adjuster_make, claim_in, review

from gemcare.claims.models import Claim
from gemcare.claims.schemas import ReviewRequestIn
from gemcare.claims.services import claim_file, claim_review_request
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.schemas import validate_input

pytestmark = pytest.mark.usefixtures("presets_once")

NEW_FIELDS = ("channel", "review_open", "review_requested_on")


def listed(api, number: str) -> dict:
    response = api.get("/claims", {"limit": 100})
    assert response.status_code == 200, response.content
    (row,) = [row for row in response.json()["claims"] if row["number"] == number]
    assert set(row) == ROW_KEYS
    return row


def test_a_claim_filed_through_the_api_is_the_jewelers_with_no_review_asked(api, store):
    filed = file_ok(api, live_contract(store))

    assert {name: filed[name] for name in NEW_FIELDS} == {
        "channel": "jeweler",
        "review_open": False,
        "review_requested_on": None,
    }
    assert {name: listed(api, filed["number"])[name] for name in NEW_FIELDS} == {
        name: filed[name] for name in NEW_FIELDS
    }


def test_a_claim_the_holder_filed_on_the_customer_site_says_so(api, store):
    contract = live_contract(store)
    claim = claim_file(
        caller=SYSTEM,
        contract=contract,
        claim=claim_in(("prong_repair", "85.00"), channel="customer"),
    )

    body = api.get(f"/claims/{claim.number}").json()

    assert body["channel"] == "customer" and body["status"] == "approved"
    assert listed(api, claim.number)["channel"] == "customer"


def test_a_denial_under_review_shows_the_request_until_an_adjuster_decides(api, store):
    denied = file_ok(api, live_contract(store), PRONG, cause="theft")
    assert (denied["status"], denied["review_open"], denied["review_requested_on"]) == (
        "denied",
        False,
        None,
    )
    claim = claim_review_request(
        caller=Caller.retailer(store.retailer),
        claim=Claim.objects.get(number=denied["number"]),
        request=validate_input(ReviewRequestIn, {"reason": "The prong broke by itself."}),
    )

    asked = api.get(f"/claims/{denied['number']}").json()

    assert (asked["review_open"], asked["review_requested_on"]) == (True, today().isoformat())
    assert asked["status"] == "denied"  # asking changes no decision
    assert listed(api, denied["number"])["review_open"] is True

    review(claim, caller=Caller.provider(adjuster_make()), deny=True, note="Theft: not covered.")
    decided = api.get(f"/claims/{denied['number']}").json()

    assert (decided["review_open"], decided["review_requested_on"]) == (False, today().isoformat())
    assert listed(api, denied["number"])["review_open"] is False


def test_the_document_describes_the_new_fields_with_examples(db):
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]

    for shape in ("ClaimOut", "ClaimRowOut"):
        properties = schemas[shape]["properties"]
        assert set(NEW_FIELDS) <= set(properties) and set(NEW_FIELDS) <= set(
            schemas[shape]["required"]
        )
        assert properties["channel"]["examples"] == ["jeweler"]
        assert "customer" in properties["channel"]["description"]
        assert properties["review_open"]["examples"] == [False]
        assert properties["review_requested_on"]["examples"] == [None]
        assert "null when nobody asked" in properties["review_requested_on"]["description"]

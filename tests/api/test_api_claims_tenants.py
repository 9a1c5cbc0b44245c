"""Every claim endpoint called with a claim or contract that is not the key's: another
retailer's, another store's (for a store key), a live one for a test key and a test one for
a live key. Each answers 404 exactly as a made-up identifier does, and nothing changes."""

import pytest
from api_support import ApiClient, key_make
from claim_support import (
    claim_body,
    claim_state,
    error_of,
    everything,
    file_ok,
    live_contract,
    sandbox_contract,
)
from factories import repair_center_make, store_make

pytestmark = pytest.mark.usefixtures("presets_once")

MADE_UP_CLAIM = "KNOSUCH01"
MADE_UP_CONTRACT = "CNOSUCH01"
COMPLETION = {"actual_cost": "80.00", "invoice_number": "INV-1", "completed": "2024-06-20"}


class World:
    """Two retailers; the first with two stores and test-mode records too. Each of its
    claims is approved and open, so any call that got through would change it."""

    def __init__(self, store) -> None:
        self.store = store
        self.sister = store_make(retailer=store.retailer, state="TX")
        self.owner = ApiClient(key_make(store.retailer)[1])
        self.sandbox_owner = ApiClient(key_make(store.retailer, is_test=True)[1])
        other_store = store_make(state="TX")
        self.center = repair_center_make()
        self.contracts = {
            "live": live_contract(store),
            "sister": live_contract(self.sister),
            "sandbox": sandbox_contract(store),
            "foreign": live_contract(other_store),
        }
        self.callers = {
            "other retailer": ApiClient(key_make(other_store.retailer)[1]),
            "sister store key": ApiClient(key_make(store=self.sister)[1]),
            "test key": self.sandbox_owner,
        }
        foreign_owner = ApiClient(key_make(other_store.retailer)[1])
        self.claims = {
            "live": file_ok(self.owner, self.contracts["live"])["number"],
            "sister": file_ok(self.owner, self.contracts["sister"])["number"],
            "sandbox": file_ok(self.sandbox_owner, self.contracts["sandbox"])["number"],
            "foreign": file_ok(foreign_owner, self.contracts["foreign"])["number"],
        }


@pytest.fixture
def world(store):
    return World(store)


# Who calls, and which of the world's records is not theirs.
NOT_THEIRS = [
    ("other retailer", "live"),
    ("sister store key", "live"),
    ("test key", "live"),
    ("test key", "sister"),
]


def calls(world, number: str):
    """Every claim endpoint that names a claim, as (name, call)."""
    return {
        "read": lambda client: client.get(f"/claims/{number}"),
        "route": lambda client: client.post(
            f"/claims/{number}/fulfilment",
            {"route": "repair_center", "repair_center": world.center.code},
        ),
        "complete": lambda client: client.post(f"/claims/{number}/completion", COMPLETION),
    }


@pytest.mark.parametrize("endpoint", ["read", "route", "complete"])
@pytest.mark.parametrize(("who", "whose"), NOT_THEIRS)
def test_a_claim_that_is_not_the_keys_is_404_like_a_made_up_one(world, who, whose, endpoint):
    client = world.callers[who]
    number = world.claims[whose]
    made_up = error_of(calls(world, MADE_UP_CLAIM)[endpoint](client), 404)
    before = claim_state(number)

    error = error_of(calls(world, number)[endpoint](client), 404)

    assert error == {**made_up, "message": made_up["message"].replace(MADE_UP_CLAIM, number)}
    assert error["code"] == "claim_not_found"
    assert claim_state(number) == before


@pytest.mark.parametrize("endpoint", ["read", "route", "complete"])
def test_a_live_key_never_reaches_a_test_claim(world, endpoint):
    number = world.claims["sandbox"]
    before = claim_state(number)

    error = error_of(calls(world, number)[endpoint](world.owner), 404)

    assert error["code"] == "claim_not_found"
    assert claim_state(number) == before


@pytest.mark.parametrize(
    ("who", "whose"),
    [*NOT_THEIRS, ("owner", "sandbox"), ("owner", "foreign")],
)
def test_filing_on_a_contract_that_is_not_the_keys_is_404_like_a_made_up_one(world, who, whose):
    client = world.owner if who == "owner" else world.callers[who]
    number = world.contracts[whose].number
    before = everything()

    error = error_of(client.post("/claims", claim_body(number)), 404)

    assert error == {
        "code": "contract_not_found",
        "message": f"No contract {number}.",
        "field": None,
    }
    assert everything() == before
    made_up = error_of(client.post("/claims", claim_body(MADE_UP_CONTRACT)), 404)
    assert made_up["message"] == f"No contract {MADE_UP_CONTRACT}."


def test_the_list_never_shows_another_keys_claims(world):
    def listed(client, **query):
        response = client.get("/claims", {"limit": 100, **query})
        assert response.status_code == 200, response.content
        return {row["number"] for row in response.json()["claims"]}

    assert listed(world.owner) == {world.claims["live"], world.claims["sister"]}
    assert listed(world.sandbox_owner) == {world.claims["sandbox"]}
    assert listed(world.callers["sister store key"]) == {world.claims["sister"]}
    assert listed(world.callers["other retailer"]) == {world.claims["foreign"]}
    foreign_contract = world.contracts["foreign"].number
    assert listed(world.owner, contract=foreign_contract) == set()
    assert listed(world.callers["sister store key"], store=world.store.code) == set()


def test_the_owner_still_reaches_every_one_of_its_own(world):
    """The refusals above are about whose the claim is, not about the claims themselves."""
    for whose, client in [("live", world.owner), ("sandbox", world.sandbox_owner)]:
        number = world.claims[whose]
        assert calls(world, number)["read"](client).status_code == 200
        assert calls(world, number)["route"](client).status_code == 200
        assert calls(world, number)["complete"](client).status_code == 201

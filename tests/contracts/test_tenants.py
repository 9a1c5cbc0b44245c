"""The tenant boundary: a caller reads and changes only its own rows, and "not yours" answers
exactly like "does not exist" (no difference in the error, nothing changed)."""

import pytest
from factories import (
    SYSTEM,
    cancel,
    file_claim,
    holder_data,
    retailer_make,
    row_counts,
    sell,
    snapshot,
    store_make,
    transfer,
)

from gemcare.claims.selectors import claim_get, claims_of_contract, claims_visible
from gemcare.common.callers import Caller
from gemcare.common.errors import NotFound
from gemcare.contracts.selectors import (
    contract_get,
    contracts_list,
    holder_get,
)


@pytest.fixture
def world(presets):
    """Two retailers; the first with two stores. One contract (and claim) in each store."""
    first, second = retailer_make(name="First"), retailer_make(name="Second")
    north, south = store_make(retailer=first, state="TX"), store_make(retailer=first, state="TX")
    other = store_make(retailer=second, state="TX")
    contracts = {
        name: sell("care-jewelry-3yr", state="TX", price="600.00", store=store)
        for name, store in (("north", north), ("south", south), ("other", other))
    }
    claims = {
        name: file_claim(contract, ("prong_repair", "85.00"))
        for name, contract in contracts.items()
    }
    callers = {
        "provider": SYSTEM,
        "first": Caller.retailer(first),
        "north": Caller.retailer(first, store=north),
        "second": Caller.retailer(second),
        "holder": Caller.holder(contracts["north"].holder),
    }
    return contracts, claims, callers


# Which contracts each caller sees.
SEES = {
    "provider": {"north", "south", "other"},
    "first": {"north", "south"},
    "north": {"north"},
    "second": {"other"},
    "holder": {"north"},
}


def not_found(call) -> NotFound:
    with pytest.raises(NotFound) as error:
        call()
    return error.value


@pytest.mark.parametrize("who", sorted(SEES))
def test_contract_get_answers_not_found_for_another_tenants_contract(world, who):
    contracts, _, callers = world
    for name, contract in contracts.items():
        if name in SEES[who]:
            assert contract_get(caller=callers[who], number=contract.number) == contract
        else:
            error = not_found(lambda c=contract: contract_get(caller=callers[who], number=c.number))
            missing = not_found(lambda: contract_get(caller=callers[who], number="C00000000"))
            assert (error.code, error.http_status) == (missing.code, missing.http_status)


@pytest.mark.parametrize("who", sorted(SEES))
def test_contracts_list_holds_only_the_callers_contracts(world, who):
    contracts, _, callers = world
    listed = set(contracts_list(caller=callers[who]).values_list("number", flat=True))
    assert listed == {contracts[name].number for name in SEES[who]}


@pytest.mark.parametrize("who", sorted(SEES))
def test_claim_get_and_claims_visible_answer_only_for_the_callers_claims(world, who):
    _, claims, callers = world
    visible = set(claims_visible(caller=callers[who]).values_list("number", flat=True))
    assert visible == {claims[name].number for name in SEES[who]}
    for name, claim in claims.items():
        if name in SEES[who]:
            assert claim_get(caller=callers[who], number=claim.number) == claim
        else:
            error = not_found(lambda c=claim: claim_get(caller=callers[who], number=c.number))
            assert error.code == "claim_not_found"


@pytest.mark.parametrize("who", sorted(SEES))
def test_claims_of_contract_answers_not_found_for_another_tenants_contract(world, who):
    contracts, claims, callers = world
    for name, contract in contracts.items():
        if name in SEES[who]:
            listed = claims_of_contract(caller=callers[who], contract_number=contract.number)
            assert list(listed) == [claims[name]]
        else:
            not_found(
                lambda c=contract: claims_of_contract(caller=callers[who], contract_number=c.number)
            )


@pytest.mark.parametrize("who", sorted(SEES))
def test_holder_get_answers_not_found_for_another_tenants_holder(world, who):
    contracts, _, callers = world
    for name, contract in contracts.items():
        if name in SEES[who]:
            assert holder_get(caller=callers[who], holder_id=contract.holder_id).pk == (
                contract.holder_id
            )
        else:
            error = not_found(
                lambda c=contract: holder_get(caller=callers[who], holder_id=c.holder_id)
            )
            assert error.code == "holder_not_found"


def test_a_holder_no_longer_sees_a_contract_it_transferred(world):
    contracts, _, callers = world
    transfer(contracts["north"], "2024-07-01")

    not_found(lambda: contract_get(caller=callers["holder"], number=contracts["north"].number))


def test_the_selectors_require_a_caller(world):
    contracts, _, _ = world
    with pytest.raises(TypeError):
        contract_get(number=contracts["north"].number)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        contract_get(caller=None, number=contracts["north"].number)


@pytest.mark.parametrize(
    "change",
    [
        lambda contract, caller: file_claim(contract, ("prong_repair", "85.00"), caller=caller),
        lambda contract, caller: cancel(contract, caller=caller, date="2024-09-01"),
        lambda contract, caller: transfer(contract, "2024-07-01", caller=caller),
    ],
    ids=["claim", "cancel", "transfer"],
)
def test_a_retailer_cannot_change_another_retailers_contract(world, change):
    contracts, _, callers = world
    contract = contracts["other"]
    before, counts = snapshot(contract), row_counts()

    for who in ("first", "north", "holder"):
        error = not_found(lambda w=who: change(contract, callers[w]))
        assert error.code == "contract_not_found"

    assert (snapshot(contract), row_counts()) == (before, counts)


def test_a_store_cannot_sell_in_another_store(world):
    _, _, callers = world
    elsewhere = store_make(retailer=retailer_make(), state="TX")
    counts = row_counts()

    error = not_found(
        lambda: sell("care-jewelry-3yr", state="TX", store=elsewhere, caller=callers["north"])
    )

    assert error.code == "store_not_found"
    assert row_counts() == counts


def test_a_store_sells_in_its_own_store(world):
    contracts, _, callers = world
    north = contracts["north"].store
    contract = sell(
        "care-jewelry-3yr",
        state="TX",
        store=north,
        caller=callers["north"],
        holder=holder_data(state="TX"),
    )
    assert contract.retailer_id == north.retailer_id

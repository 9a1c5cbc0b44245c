"""One open claim at a time (for the partner API's filings), no claim before a layaway's
pickup, and the jeweler's work in two steps: `claim_route`, then `claim_fulfil`."""

from decimal import Decimal

import pytest
from factories import (
    SYSTEM,
    claim_in,
    file_claim,
    fulfil,
    repair_center_make,
    review,
    row_counts,
    sale_in,
    sell,
    snapshot,
    store_make,
)

from gemcare.claims.models import (
    APPROVED,
    AWAITING_REVIEW,
    DENIED,
    FULFILLED,
    IN_STORE,
    OPEN_STATUSES,
    REPAIR_CENTER,
    RETURNED_TO_JEWELER,
    Claim,
)
from gemcare.claims.schemas import RouteIn
from gemcare.claims.selectors import claim_get, claims_page
from gemcare.claims.services import claim_file, claim_route
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import PENDING_PICKUP
from gemcare.contracts.services import contract_sell


def file_one_open(contract, *lines, caller=SYSTEM, **claim):
    """File as the partner API does: refused while another claim is open."""
    return claim_file(
        caller=caller,
        contract=contract,
        claim=claim_in(*(lines or [("prong_repair", "85.00")]), **claim),
        one_open_claim=True,
    )


def route(claim, caller=SYSTEM, **values):
    return claim_route(caller=caller, claim=claim, route=validate_input(RouteIn, values))


def state_of(contract, claim=None) -> tuple:
    return snapshot(contract), snapshot(claim) if claim else None, row_counts()


def big_claim(contract):
    return file_one_open(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")


# --- claim_open ------------------------------------------------------------------------------


def test_open_means_awaiting_review_or_approved():
    assert AWAITING_REVIEW in OPEN_STATUSES and APPROVED in OPEN_STATUSES
    assert len(OPEN_STATUSES) == 2
    assert not OPEN_STATUSES & {DENIED, RETURNED_TO_JEWELER, FULFILLED}


@pytest.mark.parametrize("first_status", [APPROVED, AWAITING_REVIEW])
def test_a_second_claim_while_one_is_open_is_claim_open(presets, first_status):
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
    first = big_claim(contract) if first_status == AWAITING_REVIEW else file_one_open(contract)
    assert first.status == first_status
    before = state_of(contract)

    with pytest.raises(Refused) as refused:
        file_one_open(contract, filed="2024-06-11")

    assert refused.value.code == "claim_open" and refused.value.http_status == 409
    assert first.number in refused.value.message
    assert state_of(contract) == before


def test_a_decided_or_completed_claim_never_blocks_the_next(presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    assert file_one_open(contract, cause="theft").status == DENIED
    approved = file_one_open(contract, filed="2024-06-11")
    fulfil(approved, actual_cost="85.00", completed="2024-06-12")

    again = file_one_open(contract, filed="2024-06-13")

    assert again.status == APPROVED
    care = sell("care-jewelry-3yr", state="TX", price="600.00")
    returned = file_one_open(care, filed="2024-03-10", incident="2024-03-05")
    assert returned.status == RETURNED_TO_JEWELER
    assert file_one_open(care).status == APPROVED


def test_an_adjusters_denial_closes_the_claim(presets):
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
    waiting = big_claim(contract)
    review(waiting, deny=True, note="not covered after all")

    assert file_one_open(contract, filed="2024-06-11").status == APPROVED


def test_without_the_check_claims_may_be_open_together_as_the_rulebook_plays_them(presets):
    contract = sell("ljpp-lifetime", price="400.00", kind="bracelet")
    file_claim(contract, ("chain_repair", "250.00"))

    second = file_claim(contract, ("chain_repair", "200.00"), filed="2024-06-11")

    # The aggregate limit is shared: the second gets what the first left.
    assert (second.status, second.approved, second.remaining_limit) == (
        APPROVED,
        Decimal("150.00"),
        Decimal("0.00"),
    )


def test_another_tenants_open_claim_is_not_counted_and_not_reached(presets):
    store = store_make(state="TX")
    mine = sell("ljpp-lifetime", store=store)
    file_one_open(sell("ljpp-lifetime"))  # another retailer's open claim, elsewhere
    retailer = Caller.retailer(store.retailer)

    assert file_one_open(mine, caller=retailer).status == APPROVED
    theirs = sell("ljpp-lifetime")
    before = state_of(theirs)
    with pytest.raises(NotFound):
        file_one_open(theirs, caller=retailer)
    assert state_of(theirs) == before


# --- not_picked_up ---------------------------------------------------------------------------


def layaway(store=None):
    sale = sale_in("ljpp-lifetime").model_copy(update={"pending_pickup": True})
    return contract_sell(caller=SYSTEM, store=store or store_make(), sale=sale)


@pytest.mark.parametrize("one_open_claim", [True, False])
def test_a_layaway_takes_no_claim_before_its_pickup(presets, one_open_claim):
    contract = layaway()
    assert contract.status == PENDING_PICKUP
    before = state_of(contract)

    with pytest.raises(Refused) as refused:
        claim_file(
            caller=SYSTEM,
            contract=contract,
            claim=claim_in(("prong_repair", "85.00")),
            one_open_claim=one_open_claim,
        )

    assert refused.value.code == "not_picked_up"
    assert refused.value.message == (
        "The item has not been picked up: the plan covers it from the pickup on."
    )
    assert state_of(contract) == before


# --- claim_route -----------------------------------------------------------------------------


def test_a_route_is_recorded_changed_and_audited(presets):
    contract = sell("ljpp-lifetime")
    claim = file_claim(contract, ("prong_repair", "85.00"))
    center = repair_center_make()

    routed = route(claim, route=IN_STORE)
    assert (routed.route, routed.repair_center) == (IN_STORE, None)
    shipped = route(claim, route=REPAIR_CENTER, repair_center=center.code)

    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.route, stored.repair_center) == (APPROVED, REPAIR_CENTER, center)
    assert shipped.repair_center == center
    entries = AuditEntry.objects.filter(action="claim_routed", entity_id=str(claim.pk))
    assert [entry.data["route"] for entry in entries.order_by("id")] == [IN_STORE, REPAIR_CENTER]
    assert all(entry.retailer_id == contract.retailer_id for entry in entries)


def test_the_same_route_again_writes_nothing(presets):
    claim = file_claim(sell("ljpp-lifetime"), ("prong_repair", "85.00"))
    route(claim, route=IN_STORE)
    before = state_of(claim.contract, claim)

    route(claim, route=IN_STORE)

    assert state_of(claim.contract, claim) == before


@pytest.mark.parametrize(
    ("values", "error", "code"),
    [
        ({"route": REPAIR_CENTER}, InvalidInput, "repair_center_required"),
        ({"route": REPAIR_CENTER, "repair_center": "nowhere"}, NotFound, "repair_center_not_found"),
        (
            {"route": REPAIR_CENTER, "repair_center": "UNAPPROVED"},
            Refused,
            "repair_center_not_approved",
        ),
    ],
)
def test_a_route_to_no_usable_center_is_refused(presets, values, error, code):
    claim = file_claim(sell("ljpp-lifetime"), ("prong_repair", "85.00"))
    unapproved = repair_center_make()
    unapproved.is_approved = False
    unapproved.save()
    values = {k: unapproved.code if v == "UNAPPROVED" else v for k, v in values.items()}
    before = state_of(claim.contract, claim)

    with pytest.raises(error) as refused:
        route(claim, **values)

    assert refused.value.code == code
    assert state_of(claim.contract, claim) == before


def test_a_center_is_named_only_for_a_shipment():
    with pytest.raises(InvalidInput) as refused:
        validate_input(RouteIn, {"route": IN_STORE, "repair_center": "center-1"})

    assert refused.value.field == "repair_center"


def test_only_an_approved_claim_not_yet_completed_is_routed(presets):
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
    waiting = big_claim(contract)
    denied = file_claim(contract, ("prong_repair", "85.00"), cause="theft")
    done = file_claim(sell("ljpp-lifetime"), ("prong_repair", "85.00"))
    fulfil(done, actual_cost="80.00", completed="2024-06-20")

    for claim, code in [
        (waiting, "claim_needs_review"),
        (denied, "claim_not_approved"),
        (done, "claim_completed"),
    ]:
        before = state_of(claim.contract, claim)
        with pytest.raises(Refused) as refused:
            route(claim, route=IN_STORE)
        assert refused.value.code == code
        assert state_of(claim.contract, claim) == before


def test_another_tenant_cannot_route_a_claim(presets):
    claim = file_claim(sell("ljpp-lifetime"), ("prong_repair", "85.00"))
    stranger = Caller.retailer(store_make().retailer)
    before = state_of(claim.contract, claim)

    with pytest.raises(NotFound) as refused:
        route(claim, caller=stranger, route=IN_STORE)

    assert refused.value.code == "claim_not_found"
    assert state_of(claim.contract, claim) == before


# --- completion with the recorded route ------------------------------------------------------


def test_completion_uses_the_recorded_route_and_keeps_the_invoice(presets):
    claim = file_claim(sell("ljpp-lifetime"), ("prong_repair", "85.00"))
    center = repair_center_make()
    route(claim, route=REPAIR_CENTER, repair_center=center.code)

    reimbursement = fulfil(
        claim, actual_cost="70.00", completed="2024-06-20", invoice_number="INV-9"
    )

    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.route, stored.repair_center) == (FULFILLED, REPAIR_CENTER, center)
    assert (reimbursement.invoice_number, reimbursement.amount) == ("INV-9", Decimal("70.00"))
    entry = AuditEntry.objects.get(action="claim_fulfilled", entity_id=str(claim.pk))
    assert entry.data == {"reimbursed": "70.00", "invoice_number": "INV-9"}


def test_a_route_given_at_completion_replaces_the_recorded_one(presets):
    claim = file_claim(sell("ljpp-lifetime"), ("prong_repair", "85.00"))
    route(claim, route=REPAIR_CENTER, repair_center=repair_center_make().code)

    fulfil(claim, actual_cost="70.00", completed="2024-06-20", route=IN_STORE)

    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.route, stored.repair_center) == (IN_STORE, None)


def test_completion_without_a_recorded_route_is_in_store_with_no_invoice(presets):
    claim = file_claim(sell("ljpp-lifetime"), ("prong_repair", "85.00"))

    reimbursement = fulfil(claim, actual_cost="85.00", completed="2024-06-20")

    assert Claim.objects.get(pk=claim.pk).route == IN_STORE
    assert reimbursement.invoice_number == ""


# --- the list's selector ---------------------------------------------------------------------


def test_the_page_selector_keeps_modes_and_stores_apart(presets):
    store = store_make(state="TX")
    sister = store_make(retailer=store.retailer, state="TX")
    live = file_claim(sell("ljpp-lifetime", store=store), ("prong_repair", "85.00"))
    elsewhere = file_claim(sell("ljpp-lifetime", store=sister), ("prong_repair", "85.00"))
    sandbox = contract_sell(caller=SYSTEM, store=store, sale=sale_in(), is_test=True)
    test_claim = file_claim(sandbox, ("prong_repair", "85.00"))
    retailer = Caller.retailer(store.retailer)
    store_caller = Caller.retailer(store.retailer, store=store)

    def page(caller, **filters):
        rows, _ = claims_page(caller=caller, **filters)
        return [row.pk for row in rows]

    assert page(retailer, is_test=False) == [elsewhere.pk, live.pk]
    assert page(retailer, is_test=True) == [test_claim.pk]
    assert page(store_caller, is_test=False) == [live.pk]
    assert page(retailer, is_test=False, store=sister.code) == [elsewhere.pk]
    rows, next_id = claims_page(caller=retailer, is_test=False, limit=1)
    assert ([row.pk for row in rows], next_id) == ([elsewhere.pk], elsewhere.pk)
    assert page(retailer, is_test=False, before_id=next_id) == [live.pk]
    with pytest.raises(NotFound):
        claim_get(caller=retailer, number=test_claim.number, is_test=False)
    with pytest.raises(NotFound):
        claim_get(caller=store_caller, number=elsewhere.number)
    with pytest.raises(NotFound):
        claim_get(caller=retailer, number="K\x00")
    with pytest.raises(ValueError):
        claims_page(caller=retailer, is_test=False, limit=101)

"""An adjuster's review, the jeweler's fulfilment and reimbursement, unpaid claims (RULEBOOK §4)."""

import datetime as dt
from decimal import Decimal

import pytest
from factories import (
    SYSTEM,
    adjuster_make,
    file_claim,
    fulfil,
    repair_center_make,
    review,
    row_counts,
    sell,
    snapshot,
)

from gemcare.claims.models import (
    APPROVED,
    AWAITING_REVIEW,
    DENIED,
    FULFILLED,
    IN_STORE,
    REPAIR_CENTER,
    ClaimDecision,
)
from gemcare.claims.selectors import claims_unpaid_after_60_days
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.models import AuditEntry
from gemcare.contracts.models import ACTIVE, EXHAUSTED, REPLACED


def file(contract, *lines, **claim):
    return file_claim(contract, *lines, **claim)


def claim_review(*, actor, claim, **values):
    """A review with the written reason a denial or a changed amount needs."""
    if values.get("deny") or "approved" in values:
        values.setdefault("note", "checked against the jeweler's quote")
    return review(claim, caller=Caller.provider(actor), **values)


def claim_fulfil(*, claim, **values):
    if "completed_on" in values:
        values["completed"] = values.pop("completed_on")
    return fulfil(claim, **values)


def big_claim():
    """A care claim of 1,800.00: above 1,500.00, so it waits for an adjuster."""
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
    claim = file(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")
    assert (claim.status, claim.approved, claim.needs_review) == (
        AWAITING_REVIEW,
        Decimal("1800.00"),
        True,
    )
    return contract, claim


def state_of(contract, claim) -> tuple:
    return snapshot(contract), snapshot(claim), row_counts()


# --- review ----------------------------------------------------------------------------------


def test_the_adjuster_confirms_a_replacement(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00")
    claim = file(contract, ("prong_repair", "400.00"), ("shank_repair", "300.00"))
    adjuster = adjuster_make()

    claim = claim_review(actor=adjuster, claim=claim)

    assert (claim.status, claim.approved, claim.decision) == (
        APPROVED,
        Decimal("600.00"),
        "approved",
    )
    engine, review = claim.decisions.all()
    assert engine.source == ClaimDecision.ENGINE
    assert (review.source, review.decided_by, review.approved, review.needs_review) == (
        ClaimDecision.ADJUSTER,
        adjuster,
        Decimal("600.00"),
        False,
    )
    entry = AuditEntry.objects.get(action="claim_reviewed")
    assert (entry.actor, entry.data) == (adjuster, {"approved": "600.00"})
    contract.refresh_from_db()
    assert contract.approved_total == Decimal("600.00")


def test_the_adjuster_lowers_the_amount_and_the_contract_total_goes_down(presets):
    contract, claim = big_claim()
    contract.refresh_from_db()
    assert contract.approved_total == Decimal("1800.00")

    claim = claim_review(actor=adjuster_make(), claim=claim, approved="1600.00", note="quote")

    assert (claim.status, claim.approved) == (APPROVED, Decimal("1600.00"))
    review = claim.decisions.last()
    assert (review.approved, review.holder_share, review.explanation) == (
        Decimal("1600.00"),
        Decimal("200.00"),
        ["quote"],
    )
    contract.refresh_from_db()
    assert contract.approved_total == Decimal("1600.00")


def test_a_lowered_claim_carries_the_new_holder_share(presets):
    _, claim = big_claim()

    claim = claim_review(actor=adjuster_make(), claim=claim, approved="1600.00")

    claim.refresh_from_db()
    assert claim.holder_share == claim.decisions.last().holder_share == Decimal("200.00")


@pytest.mark.parametrize("arguments", [{"deny": True}, {"approved": "0.00"}])
def test_the_adjuster_denies_and_the_amount_is_released(presets, arguments):
    contract, claim = big_claim()

    claim = claim_review(actor=adjuster_make(), claim=claim, **arguments)

    assert (claim.status, claim.decision, claim.approved) == (DENIED, "denied", Decimal("0.00"))
    assert claim.decisions.last().decision == "denied"
    contract.refresh_from_db()
    assert contract.approved_total == Decimal("0.00")


@pytest.mark.parametrize("arguments", [{"approved": "1000.00"}, {"deny": True}])
def test_lowering_a_claim_that_exhausted_the_limit_reopens_the_contract(presets, arguments):
    contract = sell("ljpp-lifetime", price="1200.00")
    claim = file(contract, ("prong_repair", "85.00"), repairable=False)
    contract.refresh_from_db()
    assert contract.status == EXHAUSTED

    claim = claim_review(actor=adjuster_make(), claim=claim, **arguments)

    contract.refresh_from_db()
    assert contract.status == ACTIVE
    assert contract.approved_total == claim.approved
    assert claim.remaining_limit == Decimal("1200.00") - claim.approved


def test_an_amount_above_the_rules_is_refused(presets):
    contract, claim = big_claim()
    before = state_of(contract, claim)

    with pytest.raises(InvalidInput) as invalid:
        claim_review(actor=adjuster_make(), claim=claim, approved="1900.00")

    assert invalid.value.field == "approved"
    assert state_of(contract, claim) == before


def test_a_claim_is_reviewed_only_once(presets):
    contract, claim = big_claim()
    adjuster = adjuster_make()
    claim_review(actor=adjuster, claim=claim)
    before = state_of(contract, claim)

    with pytest.raises(Refused) as refused:
        claim_review(actor=adjuster, claim=claim, approved="100.00")

    assert refused.value.code == "claim_not_awaiting_review"
    assert state_of(contract, claim) == before


def test_a_claim_approved_by_the_rules_needs_no_review(presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    claim = file(contract, ("prong_repair", "85.00"))
    before = state_of(contract, claim)

    with pytest.raises(Refused) as refused:
        claim_review(actor=adjuster_make(), claim=claim, deny=True)

    assert refused.value.code == "claim_not_awaiting_review"
    assert state_of(contract, claim) == before


# --- fulfilment ------------------------------------------------------------------------------


@pytest.mark.parametrize(("actual", "reimbursed"), [("70.00", "70.00"), ("100.00", "85.00")])
def test_the_jeweler_is_reimbursed_the_actual_cost_up_to_the_approved_amount(
    presets, actual, reimbursed
):
    contract = sell("ljpp-lifetime", price="1200.00")
    claim = file(contract, ("prong_repair", "85.00"))

    reimbursement = claim_fulfil(claim=claim, actual_cost=actual, completed_on="2024-06-20")

    assert (reimbursement.actual_cost, reimbursement.amount) == (
        Decimal(actual),
        Decimal(reimbursed),
    )
    assert reimbursement.completed_on == dt.date(2024, 6, 20)
    claim.refresh_from_db()
    assert (claim.status, claim.route, claim.repair_center) == (FULFILLED, IN_STORE, None)
    entry = AuditEntry.objects.get(action="claim_fulfilled")
    assert entry.data == {"reimbursed": reimbursed}
    contract.refresh_from_db()
    assert contract.status == ACTIVE


@pytest.mark.parametrize(
    ("product", "price", "lines", "status_before"),
    [
        ("ljpp-lifetime", "1200.00", {"repairable": False}, EXHAUSTED),
        ("care-jewelry-3yr", "600.00", {"cause": "accidental_damage"}, ACTIVE),
    ],
)
def test_fulfilling_a_replacement_ends_the_contract_as_replaced(
    presets, product, price, lines, status_before
):
    contract = sell(product, state="TX", price=price)
    if "repairable" in lines:
        claim = file(contract, ("prong_repair", "85.00"), **lines)
    else:
        claim = file(contract, ("prong_repair", "400.00"), ("shank_repair", "300.00"), **lines)
    claim = claim_review(actor=adjuster_make(), claim=claim)

    reimbursement = claim_fulfil(claim=claim, actual_cost="550.00", completed_on="2024-07-01")

    assert reimbursement.amount == Decimal("550.00")
    contract.refresh_from_db()
    assert contract.status == REPLACED
    event = contract.events.last()
    assert (event.kind, event.on, event.from_status, event.to_status) == (
        "replaced",
        dt.date(2024, 7, 1),
        status_before,
        REPLACED,
    )


def assert_fulfil_refused(contract, claim, error_class, code, **arguments):
    before = state_of(contract, claim)

    with pytest.raises(error_class) as refused:
        claim_fulfil(
            claim=claim, **{"actual_cost": "50.00", "completed_on": "2024-07-01", **arguments}
        )

    assert refused.value.code == code
    assert state_of(contract, claim) == before
    return refused.value


def test_a_claim_awaiting_review_cannot_be_fulfilled(presets):
    contract, claim = big_claim()

    assert_fulfil_refused(contract, claim, Refused, "claim_needs_review")


def test_a_claim_is_fulfilled_only_once(presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    claim = file(contract, ("prong_repair", "85.00"))
    claim_fulfil(claim=claim, actual_cost="80.00", completed_on="2024-06-20")

    assert_fulfil_refused(contract, claim, Refused, "claim_not_approved")


def test_a_denied_claim_cannot_be_fulfilled(presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    claim = file(contract, ("prong_repair", "85.00"), cause="theft")

    assert_fulfil_refused(contract, claim, Refused, "claim_not_approved")


@pytest.mark.parametrize(
    ("arguments", "field", "code"),
    [
        ({"route": REPAIR_CENTER}, "repair_center", "repair_center_required"),
        ({"route": "by_drone"}, "route", "invalid"),
        ({"actual_cost": "-5.00"}, "actual_cost", "invalid"),
        ({"repair_center": "x" * 33, "route": REPAIR_CENTER}, "repair_center", "invalid"),
    ],
)
def test_bad_fulfilment_input_names_the_field(presets, arguments, field, code):
    contract = sell("ljpp-lifetime", price="1200.00")
    claim = file(contract, ("prong_repair", "85.00"))

    error = assert_fulfil_refused(contract, claim, InvalidInput, code, **arguments)

    assert error.field == field


def test_a_fulfilment_before_the_claim_was_filed_is_out_of_order(presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    claim = file(contract, ("prong_repair", "85.00"))

    error = assert_fulfil_refused(
        contract, claim, Refused, "out_of_order", completed_on="2024-06-01"
    )

    assert "2024-06-01" in error.message and "2024-06-10" in error.message


def test_a_claim_shipped_to_a_repair_center_records_it(presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    claim = file(contract, ("prong_repair", "85.00"))
    center = repair_center_make()

    claim_fulfil(
        claim=claim,
        actual_cost="85.00",
        completed_on="2024-06-30",
        route=REPAIR_CENTER,
        repair_center=center.code,
    )

    claim.refresh_from_db()
    assert (claim.status, claim.route, claim.repair_center) == (FULFILLED, REPAIR_CENTER, center)


# --- unpaid claims ---------------------------------------------------------------------------


def test_claims_unpaid_after_60_days_are_flagged_from_day_61(presets):
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
    approved = file(contract, ("prong_repair", "85.00"))
    awaiting = file(contract, ("stone_replacement", "1800.00"))
    fulfilled = file(contract, ("prong_repair", "50.00"))
    file(contract, ("prong_repair", "85.00"), cause="theft")  # denied
    claim_fulfil(claim=fulfilled, actual_cost="50.00", completed_on="2024-06-11")
    file(contract, ("prong_repair", "85.00"), filed="2024-07-10")  # filed later
    assert awaiting.status == AWAITING_REVIEW

    # Filed 2024-06-10: day 60 is 2024-08-09, day 61 is 2024-08-10.
    assert list(claims_unpaid_after_60_days(caller=SYSTEM, on=dt.date(2024, 8, 9))) == []
    flagged = claims_unpaid_after_60_days(caller=SYSTEM, on=dt.date(2024, 8, 10))
    assert {claim.pk for claim in flagged} == {approved.pk, awaiting.pk}


def test_in_wisconsin_an_unpaid_claim_lets_the_holder_claim_directly(presets):
    from gemcare.claims.selectors import claim_escalation

    contract = sell("care-jewelry-lifetime", state="WI", price="5000.00")
    unpaid = file(contract, ("prong_repair", "85.00"))
    paid = file(contract, ("prong_repair", "50.00"))
    claim_fulfil(claim=paid, actual_cost="50.00", completed_on="2024-06-11")

    day_61 = dt.date(2024, 8, 10)
    assert claim_escalation(unpaid, on=dt.date(2024, 8, 9)).flagged is False
    escalation = claim_escalation(unpaid, on=day_61)
    assert (escalation.flagged, escalation.direct_claim_allowed) == (True, True)
    paid.refresh_from_db()
    assert claim_escalation(paid, on=day_61).flagged is False

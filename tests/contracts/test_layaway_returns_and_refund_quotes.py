"""Layaway sales and their pickup, returns in the free look, and the refund preview.

A layaway plan is registered at the sale and covers the item from its pickup on: the free
look and the refund term count from the pickup. A return is a holder's cancellation that must
void the plan. The refund preview is the cancellation's own arithmetic, with nothing written.
"""

import datetime as dt
from decimal import Decimal

import pytest
from factories import (
    SYSTEM,
    cancel,
    file_claim,
    holder_data,
    row_counts,
    sale_in,
    sell,
    snapshot,
    store_make,
    transfer,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.errors import NotFound, Refused
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import ACTIVE, PENDING_PICKUP, VOIDED, ContractEvent
from gemcare.contracts.schemas import PickupIn, ReturnIn, SaleIn
from gemcare.contracts.selectors import refund_preview
from gemcare.contracts.services import contract_pickup, contract_return, contract_sell

MARCH_1 = dt.date(2024, 3, 1)


def layaway(product="care-jewelry-3yr", state="TX", price="600.00", **sale):
    """A sale registered on 2024-03-01 whose item waits for pickup."""
    values = sale_in(product, state, price).model_dump()
    values.update(pending_pickup=True, **sale)
    return contract_sell(
        caller=SYSTEM, store=store_make(state=state), sale=validate_input(SaleIn, values)
    )


def pick_up(contract, date, caller=SYSTEM):
    return contract_pickup(
        caller=caller, contract=contract, pickup=validate_input(PickupIn, {"date": date})
    )


def give_back(contract, date, caller=SYSTEM):
    return contract_return(
        caller=caller, contract=contract, item_return=validate_input(ReturnIn, {"date": date})
    )


# --- layaway --------------------------------------------------------------------------------


def test_a_layaway_sale_waits_for_its_pickup(presets):
    contract = layaway()
    assert contract.status == PENDING_PICKUP
    event = ContractEvent.objects.get(contract=contract)
    assert (event.kind, event.to_status, event.on) == ("sold", PENDING_PICKUP, MARCH_1)


def test_the_pickup_starts_coverage_and_the_term_on_its_day(presets):
    contract = layaway()
    picked = pick_up(contract, "2024-04-15")
    contract.refresh_from_db()
    assert picked.status == contract.status == ACTIVE
    assert contract.purchased_on == contract.last_event_on == dt.date(2024, 4, 15)
    assert contract.term_ends_on == dt.date(2027, 4, 15)
    assert contract.item_sold_on == MARCH_1  # the sale itself stays where it was
    event = contract.events.get(kind="picked_up")
    assert (event.from_status, event.to_status) == (PENDING_PICKUP, ACTIVE)
    assert event.data == {"registered_on": "2024-03-01"}
    assert AuditEntry.objects.filter(
        action="contract_picked_up", entity_id=str(contract.pk)
    ).exists()


def test_only_a_waiting_plan_is_picked_up(presets):
    contract = sell("care-jewelry-3yr", "TX", "600.00")
    before = snapshot(contract), row_counts()
    with pytest.raises(Refused) as refused:
        pick_up(contract, "2024-04-15")
    assert refused.value.code == "not_pending_pickup"
    assert (snapshot(contract), row_counts()) == before


def test_a_pickup_dated_before_the_sale_is_out_of_order(presets):
    contract = layaway()
    before = snapshot(contract), row_counts()
    with pytest.raises(Refused) as refused:
        pick_up(contract, "2024-02-28")
    assert refused.value.code == "out_of_order"
    assert (snapshot(contract), row_counts()) == before


def test_a_layaway_cancelled_before_pickup_refunds_in_full_even_years_later(presets):
    contract = layaway()
    made = cancel(contract, date="2025-12-01")
    contract.refresh_from_db()
    assert contract.status == VOIDED
    assert made.refund == made.unearned == contract.plan_price
    assert made.explanation == [
        "Cancelled before the item was picked up, so the plan never covered it: it is void "
        f"and the full price of ${contract.plan_price} is refunded."
    ]


def test_the_free_look_counts_from_the_pickup(presets):
    # Lifetime plan in Texas: 30 days of free look on the base rule. Cancelled 110 days
    # after the sale but 19 days after the pickup, it is void with a full refund.
    contract = layaway("ljpp-lifetime", "TX", "1200.00")
    pick_up(contract, "2024-06-01")
    made = cancel(contract, date="2024-06-20")
    contract.refresh_from_db()
    assert (contract.status, made.refund) == (VOIDED, contract.plan_price)


def test_a_waiting_plan_does_not_transfer(presets):
    contract = layaway()
    before = snapshot(contract), row_counts()
    with pytest.raises(Refused) as refused:
        transfer(contract, "2024-03-05")
    assert refused.value.code == "contract_not_active"
    assert (snapshot(contract), row_counts()) == before


def test_a_layaway_gift_names_its_recipient_at_the_sale(presets):
    recipient = holder_data(name="Ben Recipient", state="TX")
    contract = layaway(gift_recipient=recipient, item={**sale_in().item.model_dump(), "gift": True})
    assert contract.status == PENDING_PICKUP
    assert contract.holder.name == "Ben Recipient"


def test_a_store_key_cannot_pick_up_another_stores_plan(presets):
    contract = layaway()
    elsewhere = store_make(retailer=contract.retailer, state="TX")
    before = snapshot(contract)
    with pytest.raises(NotFound):
        pick_up(contract, "2024-04-15", caller=Caller.retailer(contract.retailer, store=elsewhere))
    assert snapshot(contract) == before


# --- returns --------------------------------------------------------------------------------


def test_a_return_in_the_free_look_voids_with_a_full_refund(presets):
    contract = sell("care-jewelry-3yr", "TX", "600.00")
    made = give_back(contract, "2024-03-20")
    contract.refresh_from_db()
    assert contract.status == VOIDED
    assert (made.refund, made.reason, made.by) == (contract.plan_price, "item_returned", "holder")
    assert AuditEntry.objects.filter(
        action="contract_returned", entity_id=str(contract.pk)
    ).exists()


def test_a_return_after_the_free_look_is_refused(presets):
    contract = sell("care-jewelry-3yr", "TX", "600.00")
    before = snapshot(contract), row_counts()
    with pytest.raises(Refused) as refused:
        give_back(contract, "2024-04-01")  # 31 days after the purchase
    assert refused.value.code == "free_look_over"
    assert "2024-04-01" in refused.value.message
    assert (snapshot(contract), row_counts()) == before


def test_a_return_after_services_received_is_refused(presets):
    contract = sell("ljpp-lifetime", "TX", "1200.00")
    file_claim(contract, ("prong_repair", "85.00"), incident="2024-03-05", filed="2024-03-06")
    before = snapshot(contract), row_counts()
    with pytest.raises(Refused) as refused:
        give_back(contract, "2024-03-10")
    assert refused.value.code == "free_look_over"
    assert (snapshot(contract), row_counts()) == before


def test_a_layaway_returned_before_pickup_is_void(presets):
    contract = layaway()
    made = give_back(contract, "2025-01-10")
    contract.refresh_from_db()
    assert (contract.status, made.refund) == (VOIDED, contract.plan_price)


# --- the refund preview ---------------------------------------------------------------------


def test_the_preview_shows_the_oklahoma_example_and_writes_nothing(presets):
    # RULEBOOK 5.1: OK deducts services and refunds 90% of the unearned part. 1200.00 plan
    # price band → the plan price; worked out by the rules, here compared with the real
    # cancellation on the same day.
    contract = sell("ljpp-lifetime", "OK", "1200.00")
    file_claim(contract, ("prong_repair", "85.00"))
    before = row_counts()
    with clock_set(dt.date(2025, 3, 1)):
        preview = refund_preview(
            caller=SYSTEM, number=contract.number, cancel_on=dt.date(2025, 3, 1)
        )
    assert row_counts() == before
    decision = preview.decision
    assert (decision.status, decision.state_rule) == ("cancelled", "OK")
    assert decision.unearned_factor == Decimal("0.9")
    assert decision.services_deducted == Decimal("85.00")
    assert preview.due_on == dt.date(2025, 3, 31)
    assert [(paid, penalty.percent) for paid, penalty in preview.late_payments] == [
        (dt.date(2025, 4, 30), 10),
        (dt.date(2025, 5, 30), 20),
        (dt.date(2025, 6, 29), 30),
    ]
    assert [p.penalty for _, p in preview.late_payments] == [
        (decision.refund * Decimal("0.1") * n).quantize(Decimal("0.01")) for n in (1, 2, 3)
    ]
    made = cancel(contract, date="2025-03-01")
    assert (made.refund, made.unearned, made.due_on) == (
        decision.refund,
        decision.unearned,
        preview.due_on,
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    days=st.integers(min_value=0, max_value=2200),
    state=st.sampled_from(["TX", "CA", "GA", "OK", "FL", "AL"]),
    product=st.sampled_from(["ljpp-lifetime", "care-jewelry-3yr"]),
    claimed=st.booleans(),
)
def test_the_preview_is_what_the_cancellation_refunds(presets, days, state, product, claimed):
    contract = sell(product, state, "600.00")
    if claimed:
        file_claim(contract, ("prong_repair", "85.00"), incident="2024-03-02", filed="2024-03-03")
    on = MARCH_1 + dt.timedelta(days=max(days, 2 if claimed else 0))
    with clock_set(max(on, dt.date(2026, 12, 1))):
        preview = refund_preview(caller=SYSTEM, number=contract.number, cancel_on=on)
        made = cancel(contract, date=on.isoformat())
    contract.refresh_from_db()
    assert (made.refund, made.unearned, made.services_deducted, made.due_on) == (
        preview.decision.refund,
        preview.decision.unearned,
        preview.decision.services_deducted,
        preview.due_on,
    )
    assert contract.status == preview.decision.status


def test_the_preview_says_a_claim_awaits_review(presets):
    contract = sell("ljpp-lifetime", "TX", "1200.00")
    claim = file_claim(contract, ("prong_repair", "85.00"), repairable=False)
    assert claim.status == "awaiting_review"
    preview = refund_preview(caller=SYSTEM, number=contract.number, cancel_on=dt.date(2024, 7, 1))
    assert preview.claim_in_review is True


@pytest.mark.parametrize(
    ("on", "code"), [(dt.date(2024, 2, 1), "out_of_order"), (dt.date(2024, 9, 1), None)]
)
def test_the_preview_refuses_what_the_cancellation_refuses(presets, on, code):
    contract = sell("care-jewelry-3yr", "TX", "600.00")
    if code is None:
        cancel(contract, date="2024-08-01")
        code = "contract_not_active"
    before = snapshot(contract), row_counts()
    with pytest.raises(Refused) as refused:
        refund_preview(caller=SYSTEM, number=contract.number, cancel_on=on)
    assert refused.value.code == code
    assert (snapshot(contract), row_counts()) == before


def test_the_preview_of_another_retailers_plan_is_not_found(presets):
    contract = sell("care-jewelry-3yr", "TX", "600.00")
    stranger = Caller.retailer(store_make(state="TX").retailer)
    with pytest.raises(NotFound):
        refund_preview(caller=stranger, number=contract.number, cancel_on=dt.date(2024, 6, 1))
    with pytest.raises(NotFound):
        refund_preview(caller=stranger, number="CNOSUCH00", cancel_on=dt.date(2024, 6, 1))

"""Events on one contract happen in date order (RULEBOOK 3); no cancellation while a claim
awaits review, and no review or fulfilment once the contract is no longer active (RULEBOOK 5).

Every refusal is checked to change nothing: the contract, the claim and every table.
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from factories import (
    SYSTEM,
    cancel,
    file_claim,
    fulfil,
    pay_refund,
    review,
    row_counts,
    sell,
    snapshot,
    transfer,
)

from gemcare.claims.models import APPROVED, AWAITING_REVIEW, FULFILLED
from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.errors import Refused
from gemcare.contracts.models import (
    ACTIVE,
    CANCELLED,
    EXHAUSTED,
    EXPIRED,
    REPLACED,
    Contract,
    HolderPeriod,
)
from gemcare.rules.adjudication import claim_value, claims_value

MARCH_1 = dt.date(2024, 3, 1)


def refused(code: str, call, *rows) -> Refused:
    """Run `call`, expect it refused with `code`, and check that nothing changed."""
    before = [snapshot(row) for row in rows], row_counts()
    with pytest.raises(Refused) as error:
        call()
    assert error.value.code == code
    assert ([snapshot(row) for row in rows], row_counts()) == before
    return error.value


# --- what a sale and a claim record ----------------------------------------------------------


def test_a_sale_records_its_last_event_and_the_end_of_its_term(presets):
    three_years = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)
    lifetime = sell("ljpp-lifetime", purchased=MARCH_1)

    assert (three_years.last_event_on, three_years.term_ends_on) == (MARCH_1, dt.date(2027, 3, 1))
    assert (lifetime.last_event_on, lifetime.term_ends_on) == (MARCH_1, None)


def test_a_claim_is_filed_today_by_the_clock_not_on_the_incident_date(presets):
    contract = sell("ljpp-lifetime", purchased=MARCH_1)

    with clock_set(dt.date(2024, 6, 20)):
        claim = file_claim(contract, ("prong_repair", "85.00"), filed=None)

    assert (claim.incident_on, claim.filed_on) == (dt.date(2024, 6, 1), dt.date(2024, 6, 20))
    assert claim.retailer_id == contract.retailer_id
    contract.refresh_from_db()
    assert contract.last_event_on == dt.date(2024, 6, 20)


def test_each_event_moves_the_last_event_forward(presets):
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00", purchased=MARCH_1)
    claim = file_claim(contract, ("prong_repair", "85.00"))  # filed 2024-06-10
    fulfil(claim, actual_cost="85.00", completed="2024-06-20")
    transfer(contract, "2024-07-01")
    cancel(contract, date="2024-08-01")

    contract.refresh_from_db()
    assert contract.last_event_on == dt.date(2024, 8, 1)


# --- out of order ----------------------------------------------------------------------------


def test_a_cancellation_before_a_claim_already_filed_is_out_of_order(presets):
    contract = sell("ljpp-lifetime", purchased=MARCH_1)
    file_claim(contract, ("prong_repair", "85.00"), filed="2024-11-13", incident="2024-11-01")

    error = refused("out_of_order", lambda: cancel(contract, date="2024-09-21"), contract)

    assert "2024-09-21" in error.message and "2024-11-13" in error.message


def test_a_claim_filed_before_the_latest_event_is_out_of_order(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)
    transfer(contract, "2024-07-01")

    error = refused(
        "out_of_order",
        lambda: file_claim(contract, ("prong_repair", "85.00"), filed="2024-06-10"),
        contract,
    )

    assert "2024-06-10" in error.message and "2024-07-01" in error.message


def test_a_claims_incident_may_lie_before_earlier_events(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)
    transfer(contract, "2024-07-01")

    claim = file_claim(
        contract, ("prong_repair", "85.00"), incident="2024-06-01", filed="2024-07-02"
    )

    assert claim.status == APPROVED


def test_a_transfer_before_the_latest_event_is_out_of_order(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)
    file_claim(contract, ("prong_repair", "85.00"), filed="2024-06-10")

    refused("out_of_order", lambda: transfer(contract, "2024-06-01"), contract)

    assert list(contract.holders.values_list("until", flat=True)) == [None]


def test_a_fulfilment_before_the_latest_event_is_out_of_order(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)
    claim = file_claim(contract, ("prong_repair", "85.00"), filed="2024-06-10")
    transfer(contract, "2024-07-01")

    refused(
        "out_of_order",
        lambda: fulfil(claim, actual_cost="85.00", completed="2024-06-20"),
        contract,
        claim,
    )


def test_a_refund_payment_before_the_latest_event_is_out_of_order(presets):
    # A provider's cancellation dated ahead is the latest event until it takes effect.
    contract = sell("ljpp-lifetime", purchased=MARCH_1)
    with clock_set(dt.date(2025, 2, 1)):
        cancellation = cancel(
            contract, date="2025-03-03", by="provider", reason="fraud", notice="2025-02-01"
        )
    with clock_set(dt.date(2025, 4, 1)):
        refused("out_of_order", lambda: pay_refund(cancellation, "2025-03-02"), contract)
        payment = pay_refund(cancellation, "2025-03-20")

    assert payment.days_late == 0
    contract.refresh_from_db()
    assert contract.last_event_on == dt.date(2025, 3, 20)


# --- open claims and contracts no longer active --------------------------------------------


def test_a_cancellation_while_a_claim_awaits_review_is_refused(presets):
    contract = sell("ljpp-lifetime", price="1200.00", purchased=MARCH_1)
    claim = file_claim(contract, ("prong_repair", "85.00"), repairable=False)
    assert claim.status == AWAITING_REVIEW

    refused("claim_in_review", lambda: cancel(contract, date="2024-09-01"), contract, claim)

    # Once reviewed, the cancellation deducts what the review approved.
    review(claim, approved="1000.00")
    cancellation = cancel(contract, date="2025-03-01")
    assert cancellation.services_deducted == Decimal("1000.00")  # Oklahoma deducts services
    contract.refresh_from_db()
    assert contract.status == CANCELLED


def test_a_review_on_a_contract_no_longer_active_is_refused(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="5000.00", purchased=MARCH_1)
    claim = file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")
    assert claim.status == AWAITING_REVIEW
    Contract.objects.filter(pk=contract.pk).update(status=EXPIRED)  # the term ran out meanwhile

    refused("contract_not_active", lambda: review(claim), contract, claim)


def test_a_fulfilment_on_a_cancelled_contract_is_refused(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)
    claim = file_claim(contract, ("prong_repair", "85.00"))
    cancel(contract, date="2024-09-01")

    refused(
        "contract_not_active",
        lambda: fulfil(claim, actual_cost="85.00", completed="2024-09-02"),
        contract,
        claim,
    )


def test_the_replacement_that_used_the_last_of_the_limit_is_confirmed_and_fulfilled(presets):
    contract = sell("ljpp-lifetime", price="1200.00", purchased=MARCH_1)
    claim = file_claim(contract, ("prong_repair", "85.00"), repairable=False)
    contract.refresh_from_db()
    assert contract.status == EXHAUSTED

    claim = review(claim)
    fulfil(claim, actual_cost="1100.00", completed="2024-07-01")

    claim.refresh_from_db()
    contract.refresh_from_db()
    assert (claim.status, contract.status) == (FULFILLED, REPLACED)


def test_only_the_providers_staff_review(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="5000.00", purchased=MARCH_1)
    claim = file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")
    retailer = Caller.retailer(contract.retailer)

    refused("review_not_allowed", lambda: review(claim, caller=retailer), contract, claim)


def test_only_the_provider_makes_a_provider_cancellation(presets):
    contract = sell("ljpp-lifetime", purchased=MARCH_1)
    retailer = Caller.retailer(contract.retailer)

    refused(
        "not_allowed",
        lambda: cancel(
            contract,
            caller=retailer,
            date="2025-03-01",
            by="provider",
            reason="fraud",
            notice="2025-01-01",
        ),
        contract,
    )


# --- holder periods --------------------------------------------------------------------------


def test_holder_periods_tile_the_contracts_life(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)
    transfer(contract, "2024-06-01")
    transfer(contract, "2024-06-01")  # the same day: a period of no length, never backwards
    transfer(contract, "2025-01-01")

    periods = list(contract.holders.order_by("since", "id").values_list("since", "until"))
    assert periods[0][0] == MARCH_1 and periods[-1][1] is None
    for (_, until), (since, _) in itertools.pairwise(periods):
        assert until == since
    assert all(until is None or since <= until for since, until in periods)


@pytest.mark.parametrize(
    "period",
    [
        {"since": dt.date(2024, 6, 1), "until": dt.date(2024, 5, 1)},  # backwards
        {"since": dt.date(2024, 6, 1), "until": None},  # a second current holder
    ],
)
def test_the_database_refuses_a_backward_or_second_current_period(presets, period):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)

    with pytest.raises(IntegrityError), transaction.atomic():
        HolderPeriod.objects.create(
            contract=contract, holder=contract.holder, reason=HolderPeriod.TRANSFER, **period
        )


# --- services received and limit used: one function -----------------------------------------


def test_services_received_and_limit_used_are_the_same_sum():
    claims = [
        ("approved", Decimal("85.00")),
        ("fulfilled", Decimal("40.00")),
        ("awaiting_review", Decimal("300.00")),
        ("denied", Decimal("0.00")),
        ("returned_to_jeweler", Decimal("0.00")),
    ]

    assert claims_value(claims) == Decimal("425.00")
    assert claim_value("denied", Decimal("85.00")) == Decimal("0.00")


def test_a_cancellation_deducts_exactly_the_limit_the_claims_used(presets):
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00", purchased=MARCH_1)
    first = file_claim(contract, ("prong_repair", "85.00"))
    second = file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")
    review(second, approved="1600.00")
    fulfil(first, actual_cost="80.00", completed="2024-06-20")
    file_claim(contract, ("prong_repair", "85.00"), cause="theft", filed="2024-06-21")  # denied

    cancellation = cancel(contract, date="2025-03-01")

    contract.refresh_from_db()
    assert cancellation.services_deducted == contract.approved_total == Decimal("1685.00")
    assert contract.status == CANCELLED
    assert contract.status != ACTIVE
    assert SYSTEM.is_provider


def test_a_review_giving_limit_back_keeps_the_history_in_date_order(presets):
    contract = sell("ljpp-lifetime", price="1200.00", purchased=MARCH_1)
    claim = file_claim(contract, ("prong_repair", "85.00"), repairable=False)  # exhausts

    with clock_set(dt.date(2024, 7, 1)):
        review(claim, approved="600.00")
    cancel(contract, date="2024-06-15")  # after the latest dated event, the claim's filing

    contract.refresh_from_db()
    stored = list(contract.events.order_by("id").values_list("kind", "on"))
    assert [kind for kind, _ in stored] == [
        "sold",
        "limit_exhausted",
        "limit_restored",
        "cancelled",
    ]
    days = [day for _, day in stored]
    assert days == sorted(days)

"""The loss clocks and coverage answered without an amount (RULEBOOK 6.1): no database."""

import datetime as dt
from decimal import Decimal

import pytest

from gemcare.rules.insurance import (
    LossFacts,
    PolicyFacts,
    appraisers_named_on,
    deadline_met,
    loss_coverage,
    loss_deadlines,
)

D = dt.date
POLICY = PolicyFacts(
    start=D(2025, 1, 1),
    end=D(2026, 1, 1),
    deductible=Decimal("100"),
    total_scheduled_limits=Decimal("8000"),
)


def test_each_clock_from_its_step():
    clocks = loss_deadlines(
        known_on=D(2024, 2, 29),
        proof_requested_on=D(2025, 5, 10),
        amount_agreed_on=D(2025, 6, 1),
        appraisal_demanded_on=D(2025, 6, 1),
        appraisers_named_on=D(2025, 6, 12),
    )
    assert clocks.proof_of_loss_due == D(2025, 8, 8)
    assert clocks.payment_due == D(2025, 7, 1)
    assert clocks.appraiser_named_by == D(2025, 6, 21)
    assert clocks.umpire_chosen_by == D(2025, 6, 27)
    assert clocks.suit_by == D(2025, 2, 28)  # 29 February maps to 28 February


def test_no_umpire_clock_until_both_appraisers_are_named():
    clocks = loss_deadlines(known_on=D(2025, 5, 2), appraisal_demanded_on=D(2025, 6, 1))
    assert (clocks.appraiser_named_by, clocks.umpire_chosen_by) == (D(2025, 6, 21), None)
    assert appraisers_named_on(D(2025, 6, 3), None) is None
    assert appraisers_named_on(None, D(2025, 6, 3)) is None
    assert appraisers_named_on(D(2025, 6, 9), D(2025, 6, 3)) == D(2025, 6, 9)


@pytest.mark.parametrize(
    ("done", "met"), [(D(2025, 8, 7), True), (D(2025, 8, 8), True), (D(2025, 8, 9), False)]
)
def test_a_deadline_is_met_on_the_day_itself(done, met):
    assert deadline_met(D(2025, 8, 8), done) is met


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        ({"loss_on": D(2024, 12, 31)}, "outside_policy_period"),
        ({"loss_on": D(2026, 1, 1)}, "outside_policy_period"),
        ({"peril": "war"}, "war"),
        ({"peril": "nuclear"}, "nuclear"),
        ({"peril": "nuclear_fire"}, None),
        ({"peril": "wear_and_tear"}, "wear_and_tear"),
        ({"peril": "wear_and_tear", "repair": "clasp_repair"}, None),
        ({"newly_acquired_on": D(2025, 4, 1)}, None),
        ({"newly_acquired_on": D(2025, 3, 31)}, "newly_acquired_period_over"),
    ],
)
def test_coverage_without_an_amount(facts, code):
    loss = LossFacts(**({"loss_on": D(2025, 5, 1), "peril": "fire", "cost": Decimal(0)} | facts))
    reason = loss_coverage(POLICY, loss)
    assert (reason.code if reason else None) == code

"""Losses on jewelry insurance policies (RULEBOOK §6.1, rule-interpretations "Insurance").

The usual policy: 2025-01-01 to 2026-01-01 (365 days), deductible 100.00, one ring with an
8,000.00 limit and a 96.00 premium.
"""

import datetime as dt
from decimal import Decimal

import pytest

from gemcare.rules.errors import RuleInputError
from gemcare.rules.insurance import (
    LossFacts,
    PolicyFacts,
    ScheduledItemFacts,
    loss_deadlines,
    settle_loss,
)

START = dt.date(2025, 1, 1)
END = dt.date(2026, 1, 1)
LOSS_DAY = dt.date(2025, 5, 2)  # 244 days before the end
COVERED = [
    "theft",
    "mysterious_disappearance",
    "accidental_damage",
    "fire",
    "flood",
    "earthquake",
    "civil_authority_fire_prevention",
    "nuclear_fire",
]
EXCLUDED = [
    "civil_authority",
    "deterioration",
    "intentional_act",
    "nuclear",
    "vermin",
    "voluntary_parting_fraud",
    "war",
    "contraband",
]
WEAR_AND_TEAR_REPAIRS = [
    "prong_repair",
    "earring_back_post",
    "clasp_repair",
    "pearl_restringing",
    "stone_tightening",
]


def policy(*, start=START, end=END, deductible="100.00", total="8000.00") -> PolicyFacts:
    return PolicyFacts(start, end, Decimal(deductible), Decimal(total))


def item(limit="8000.00", premium="96.00") -> ScheduledItemFacts:
    return ScheduledItemFacts(Decimal(limit), Decimal(premium))


def loss(
    *,
    on=LOSS_DAY,
    peril="accidental_damage",
    cost="1000.00",
    repair=None,
    service_plan_due="0.00",
    paid_by_others="0.00",
    other_insurance_limits="0.00",
    pair_set_amount=None,
    newly_acquired_on=None,
) -> LossFacts:
    return LossFacts(
        loss_on=on,
        peril=peril,
        cost=Decimal(cost),
        repair=repair,
        service_plan_due=Decimal(service_plan_due),
        paid_by_others=Decimal(paid_by_others),
        other_insurance_limits=Decimal(other_insurance_limits),
        pair_set_amount=None if pair_set_amount is None else Decimal(pair_set_amount),
        newly_acquired_on=newly_acquired_on,
    )


# --- perils ---------------------------------------------------------------------------------


@pytest.mark.parametrize("peril", COVERED)
def test_covered_perils(peril):
    settlement = settle_loss(policy(), loss(peril=peril, cost="1000.00"), item())

    assert settlement.covered is True
    assert settlement.reason_code is None
    assert settlement.payout == Decimal("900.00")  # 1000.00 - 100.00 deductible


@pytest.mark.parametrize("peril", EXCLUDED)
def test_excluded_perils_give_the_peril_as_reason(peril):
    settlement = settle_loss(policy(), loss(peril=peril), item())

    assert settlement.covered is False
    assert settlement.reason_code == peril
    assert settlement.payout == Decimal("0.00")
    assert settlement.item_removed is False
    assert settlement.refund == Decimal("0.00")
    assert settlement.reason.words == (
        f"Loss caused by {peril.replace('_', ' ')} is excluded by the policy."
    )


@pytest.mark.parametrize("repair", WEAR_AND_TEAR_REPAIRS)
def test_wear_and_tear_is_covered_for_the_named_repairs(repair):
    settlement = settle_loss(
        policy(), loss(peril="wear_and_tear", repair=repair, cost="150.00"), item()
    )

    assert settlement.covered is True
    assert settlement.payout == Decimal("50.00")
    assert settlement.item_removed is False


@pytest.mark.parametrize("repair", ["ring_sizing", "rhodium_plating", "shank_repair", None])
def test_wear_and_tear_is_excluded_otherwise(repair):
    settlement = settle_loss(
        policy(), loss(peril="wear_and_tear", repair=repair, cost="150.00"), item()
    )

    assert settlement.covered is False
    assert settlement.reason_code == "wear_and_tear"
    assert settlement.payout == Decimal("0.00")


def test_an_unknown_peril_is_bad_input():
    with pytest.raises(RuleInputError) as refused:
        settle_loss(policy(), loss(peril="meteor"), item())

    assert refused.value.field == "peril"


def test_a_loss_without_an_item_is_bad_input():
    with pytest.raises(RuleInputError) as refused:
        settle_loss(policy(), loss(), None)

    assert refused.value.field == "item"


# --- the payout steps -----------------------------------------------------------------------


def test_cost_below_the_limit():
    settlement = settle_loss(policy(), loss(cost="1000.00"), item())

    assert settlement.steps["A"] == Decimal("1000.00")
    assert settlement.payout == Decimal("900.00")


def test_cost_above_the_limit():
    settlement = settle_loss(policy(), loss(cost="9000.00"), item("8000.00"))

    assert settlement.steps["A"] == Decimal("8000.00")
    assert settlement.payout == Decimal("7900.00")


def test_pair_set_amount_when_lowest():
    settlement = settle_loss(policy(), loss(cost="1000.00", pair_set_amount="600.00"), item())

    assert settlement.steps["A"] == Decimal("600.00")
    assert settlement.payout == Decimal("500.00")


def test_pair_set_amount_when_not_lowest():
    settlement = settle_loss(policy(), loss(cost="1000.00", pair_set_amount="2500.00"), item())

    assert settlement.steps["A"] == Decimal("1000.00")
    assert settlement.payout == Decimal("900.00")


def test_service_plan_and_others_are_taken_off_before_the_deductible():
    settlement = settle_loss(
        policy(), loss(cost="1000.00", service_plan_due="300.00", paid_by_others="200.00"), item()
    )

    assert settlement.steps["B"] == Decimal("500.00")
    assert settlement.steps["C"] == Decimal("400.00")
    assert settlement.payout == Decimal("400.00")


def test_b_never_below_zero():
    settlement = settle_loss(
        policy(), loss(cost="1000.00", service_plan_due="800.00", paid_by_others="400.00"), item()
    )

    assert settlement.covered is True
    assert settlement.steps["B"] == Decimal("0.00")
    assert settlement.payout == Decimal("0.00")


def test_deductible_larger_than_b_pays_nothing_but_is_covered():
    settlement = settle_loss(policy(deductible="250.00"), loss(cost="80.00"), item())

    assert settlement.covered is True
    assert settlement.steps["C"] == Decimal("0.00")
    assert settlement.payout == Decimal("0.00")
    assert settlement.item_removed is False


def test_other_insurance_shares_the_loss():
    # C = 2100 - 100 = 2000; D = 2000 x 5000 / (5000 + 5000)
    settlement = settle_loss(
        policy(total="5000.00"),
        loss(cost="2100.00", other_insurance_limits="5000.00"),
        item("5000.00", "60.00"),
    )

    assert settlement.payout == Decimal("1000.00")


def test_other_insurance_share_is_rounded_to_cents():
    # C = 1000; D = 1000 x 8000 / 9000 = 888.888...
    settlement = settle_loss(
        policy(), loss(cost="1100.00", other_insurance_limits="1000.00"), item()
    )

    assert settlement.payout == Decimal("888.89")


# --- newly acquired jewelry -----------------------------------------------------------------

ACQUIRED = dt.date(2025, 3, 1)


def test_newly_acquired_covered_on_day_30():
    settlement = settle_loss(
        policy(),
        loss(on=dt.date(2025, 3, 31), peril="theft", cost="1500.00", newly_acquired_on=ACQUIRED),
        None,
    )

    assert settlement.covered is True
    assert settlement.payout == Decimal("1400.00")
    assert settlement.item_removed is False  # never on the schedule
    assert settlement.refund == Decimal("0.00")


def test_newly_acquired_not_covered_on_day_31():
    settlement = settle_loss(
        policy(), loss(on=dt.date(2025, 4, 1), cost="1500.00", newly_acquired_on=ACQUIRED), None
    )

    assert settlement.covered is False
    assert settlement.reason_code == "newly_acquired_period_over"
    assert "2025-03-01" in settlement.reason.words
    assert "2025-04-01" in settlement.reason.words


def test_newly_acquired_before_the_period_is_not_covered():
    settlement = settle_loss(
        policy(),
        loss(on=dt.date(2025, 1, 5), newly_acquired_on=dt.date(2024, 12, 20)),
        None,
    )

    assert settlement.covered is False
    assert settlement.reason_code == "newly_acquired_period_over"


def test_newly_acquired_capped_at_a_quarter_of_the_scheduled_limits():
    # 25% of 8000.00 = 2000.00; minus the deductible
    settlement = settle_loss(
        policy(total="8000.00"),
        loss(on=dt.date(2025, 3, 10), cost="5000.00", newly_acquired_on=ACQUIRED),
        None,
    )

    assert settlement.steps["A"] == Decimal("2000.00")
    assert settlement.payout == Decimal("1900.00")


def test_newly_acquired_capped_at_10000():
    # 25% of 60,000.00 is 15,000.00: the 10,000.00 cap is lower
    settlement = settle_loss(
        policy(total="60000.00"),
        loss(on=dt.date(2025, 3, 10), cost="12000.00", newly_acquired_on=ACQUIRED),
        None,
    )

    assert settlement.steps["A"] == Decimal("10000.00")
    assert settlement.payout == Decimal("9900.00")


def test_newly_acquired_when_the_schedule_is_empty_pays_nothing():
    # The only scheduled item was removed by a total loss: 25% of 0.00 is 0.00.
    settlement = settle_loss(
        policy(total="0.00"),
        loss(on=dt.date(2025, 3, 10), cost="500.00", newly_acquired_on=ACQUIRED),
        None,
    )

    assert settlement.covered is True
    assert settlement.payout == Decimal("0.00")


# --- total loss -----------------------------------------------------------------------------


@pytest.mark.parametrize("peril", ["theft", "mysterious_disappearance"])
def test_theft_and_disappearance_are_total_losses(peril):
    # refund 96.00 x 244 / 365 = 64.1753... -> 64.18
    settlement = settle_loss(policy(), loss(peril=peril, cost="500.00"), item())

    assert settlement.payout == Decimal("400.00")
    assert settlement.item_removed is True
    assert settlement.refund == Decimal("64.18")
    assert "$64.18" in settlement.reason.words


def test_cost_reaching_the_limit_is_a_total_loss():
    settlement = settle_loss(policy(), loss(cost="8000.00"), item("8000.00"))

    assert settlement.payout == Decimal("7900.00")
    assert settlement.item_removed is True
    assert settlement.refund == Decimal("64.18")


def test_cost_just_under_the_limit_is_a_partial_loss():
    settlement = settle_loss(policy(), loss(cost="7999.99"), item("8000.00"))

    assert settlement.payout == Decimal("7899.99")
    assert settlement.item_removed is False
    assert settlement.refund == Decimal("0.00")


def test_partial_loss_does_not_remove_the_item():
    settlement = settle_loss(policy(), loss(peril="fire", cost="1000.00"), item())

    assert settlement.item_removed is False
    assert settlement.refund == Decimal("0.00")
    assert "$900.00" in settlement.reason.words


def test_total_loss_refund_in_a_leap_year_period():
    # 2024-01-01 to 2025-01-01 is 366 days; 2024-07-02 leaves 183: 96.00 x 183 / 366
    settlement = settle_loss(
        policy(start=dt.date(2024, 1, 1), end=dt.date(2025, 1, 1)),
        loss(on=dt.date(2024, 7, 2), peril="theft"),
        item(),
    )

    assert settlement.refund == Decimal("48.00")


def test_total_loss_refund_in_a_common_year_period():
    # 2025-07-02 leaves 183 of 365 days: 96.00 x 183 / 365 = 48.1315... -> 48.13
    settlement = settle_loss(policy(), loss(on=dt.date(2025, 7, 2), peril="theft"), item())

    assert settlement.refund == Decimal("48.13")


def test_total_loss_on_the_first_day_refunds_the_whole_premium():
    settlement = settle_loss(policy(), loss(on=START, peril="theft"), item())

    assert settlement.refund == Decimal("96.00")


# --- the policy period ----------------------------------------------------------------------


@pytest.mark.parametrize("on", [dt.date(2024, 12, 31), END, dt.date(2026, 3, 1)])
def test_loss_outside_the_period(on):
    settlement = settle_loss(policy(), loss(on=on, peril="theft"), item())

    assert settlement.covered is False
    assert settlement.reason_code == "outside_policy_period"
    assert settlement.payout == Decimal("0.00")
    assert settlement.item_removed is False
    assert on.isoformat() in settlement.reason.words
    assert "2025-01-01 to 2026-01-01" in settlement.reason.words


@pytest.mark.parametrize("on", [START, dt.date(2025, 12, 31)])
def test_loss_inside_the_period(on):
    settlement = settle_loss(policy(), loss(on=on), item())

    assert settlement.covered is True


def test_the_rulebook_example():
    # WI, 8000.00 limit, deductible 100, theft, cost 9000.00
    settlement = settle_loss(
        policy(deductible="100"), loss(on=LOSS_DAY, peril="theft", cost="9000.00"), item()
    )

    assert settlement.covered is True
    assert settlement.payout == Decimal("7900.00")
    assert settlement.item_removed is True
    assert settlement.refund == Decimal("64.18")


# --- deadlines ------------------------------------------------------------------------------


def test_loss_deadlines():
    deadlines = loss_deadlines(
        known_on=LOSS_DAY,
        proof_requested_on=dt.date(2025, 5, 10),
        amount_agreed_on=dt.date(2025, 6, 1),
        appraisal_demanded_on=dt.date(2025, 6, 1),
        appraisers_named_on=dt.date(2025, 6, 21),
    )

    assert deadlines.proof_of_loss_due == dt.date(2025, 8, 8)  # 90 days
    assert deadlines.payment_due == dt.date(2025, 7, 1)  # 30 days
    assert deadlines.appraiser_named_by == dt.date(2025, 6, 21)  # 20 days
    assert deadlines.umpire_chosen_by == dt.date(2025, 7, 6)  # 15 days after both named
    assert deadlines.suit_by == dt.date(2026, 5, 2)  # one year


def test_loss_deadlines_without_the_optional_dates():
    deadlines = loss_deadlines(known_on=LOSS_DAY)

    assert deadlines.proof_of_loss_due is None
    assert deadlines.payment_due is None
    assert deadlines.appraiser_named_by is None
    assert deadlines.umpire_chosen_by is None
    assert deadlines.suit_by == dt.date(2026, 5, 2)


def test_suit_deadline_from_29_february():
    assert loss_deadlines(known_on=dt.date(2024, 2, 29)).suit_by == dt.date(2025, 2, 28)


def test_a_cancelled_policy_covers_losses_only_until_the_cancellation():
    policy = PolicyFacts(
        start=dt.date(2025, 1, 1),
        end=dt.date(2026, 1, 1),
        deductible=Decimal("100.00"),
        total_scheduled_limits=Decimal("8000.00"),
        covered_until=dt.date(2025, 7, 1),
    )
    item = ScheduledItemFacts(limit=Decimal("8000.00"), premium=Decimal("96.00"))
    after = settle_loss(policy, LossFacts(dt.date(2025, 7, 1), "theft", Decimal("500.00")), item)
    assert (after.covered, after.reason_code) == (False, "outside_policy_period")
    # Stolen 2 May, the policy cancelled 1 July: the days after 1 July were refunded by the
    # cancellation, so the loss refunds 96 x 60/365 = 15.78 (not 96 x 60/181).
    before = settle_loss(policy, LossFacts(dt.date(2025, 5, 2), "theft", Decimal("500.00")), item)
    assert (before.covered, before.item_removed, before.refund) == (True, True, Decimal("15.78"))

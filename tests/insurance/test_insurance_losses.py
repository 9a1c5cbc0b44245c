"""Recording and settling losses (RULEBOOK §6.1)."""

import datetime as dt
from decimal import Decimal

import pytest
from insurance_factories import (
    RING,
    SYSTEM,
    add_item,
    bind,
    cancel,
    policy_state,
    record_loss,
    remove_item,
    renew,
    row_counts,
)

from gemcare.common.clock import clock_set, today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.models import AuditEntry
from gemcare.insurance.models import PolicyEvent, ScheduledItem
from gemcare.insurance.selectors import loss_deadlines_open, policy_premium_in_force


def test_theft_of_the_rulebook_ring(policy):
    loss = record_loss(
        policy=policy, loss_on="2025-05-02", item_ref="r1", peril="theft", cost="9000.00"
    )
    assert loss.covered is True
    assert loss.reason_code == "covered_loss"
    assert loss.payout == Decimal("7900.00")  # least of 9000 and 8000, less 100
    assert loss.steps == {"A": "8000.00", "B": "8000.00", "C": "7900.00", "D": "7900.00"}
    assert loss.item_removed is True
    # 244 of 365 days left after 2025-05-02: 96 x 244 / 365 = 64.175 → 64.18
    assert loss.refund == Decimal("64.18")
    item = ScheduledItem.objects.get(pk=loss.item_id)
    assert (item.status, item.removed_on) == (ScheduledItem.REMOVED, dt.date(2025, 5, 2))
    event = PolicyEvent.objects.get(kind="item_removed")
    assert (event.item_id, event.loss_id, event.refund) == (item.pk, loss.pk, Decimal("64.18"))
    assert policy_premium_in_force(policy=policy) == Decimal("31.82")
    assert AuditEntry.objects.filter(action="loss_recorded", entity_id=str(loss.pk)).exists()


def test_partial_loss_with_a_service_plan_others_and_other_insurance(policy):
    loss = record_loss(
        policy=policy,
        loss_on="2025-03-10",
        item_ref="r1",
        peril="accidental_damage",
        cost="1500",
        service_plan_due="200",
        paid_by_others="100",
        other_insurance_limits="2000",
    )
    # A 1500; B 1500 - 200 - 100 = 1200; C 1100; D 1100 x 8000 / 10000 = 880
    assert loss.payout == Decimal("880.00")
    assert loss.item_removed is False
    assert loss.refund == Decimal("0.00")
    assert ScheduledItem.objects.get(pk=loss.item_id).limit == Decimal("8000.00")


def test_pair_and_set_amount_caps_the_loss(policy):
    loss = record_loss(
        policy=policy,
        loss_on="2025-03-10",
        item_ref="r1",
        peril="fire",
        cost="3000",
        pair_set_amount="2000",
    )
    assert loss.payout == Decimal("1900.00")


def test_damage_reaching_the_limit_is_a_total_loss(policy):
    loss = record_loss(
        policy=policy, loss_on="2025-03-01", item_ref="r1", peril="accidental_damage", cost="8000"
    )
    assert (loss.payout, loss.item_removed, loss.refund) == (7900, True, Decimal("80.48"))


PERILS = [
    ("war", None, False, "war", "0.00"),
    ("civil_authority", None, False, "civil_authority", "0.00"),
    ("civil_authority_fire_prevention", None, True, "covered_loss", "200.00"),
    ("wear_and_tear", None, False, "wear_and_tear", "0.00"),
    ("wear_and_tear", "ring_sizing", False, "wear_and_tear", "0.00"),
    ("wear_and_tear", "prong_repair", True, "covered_loss", "200.00"),
]


def test_perils(policy):
    for peril, repair, covered, reason, payout in PERILS:
        loss = record_loss(
            policy=policy,
            loss_on="2025-03-01",
            item_ref="r1",
            peril=peril,
            repair=repair,
            cost="300",
        )
        assert (loss.covered, loss.reason_code, loss.payout, loss.item_removed) == (
            covered,
            reason,
            Decimal(payout),
            False,
        ), peril


def test_a_loss_outside_the_period_is_not_covered(policy):
    loss = record_loss(
        policy=policy, loss_on="2024-12-31", item_ref="r1", peril="theft", cost="500"
    )
    assert (loss.covered, loss.reason_code, loss.payout, loss.item_removed) == (
        False,
        "outside_policy_period",
        Decimal("0.00"),
        False,
    )
    assert ScheduledItem.objects.get(pk=loss.item_id).is_scheduled


def test_newly_acquired_item_for_30_days(presets):
    policy = bind(items=[dict(RING), {"ref": "n1", "kind": "necklace", "limit": "4000"}])
    loss = record_loss(
        policy=policy,
        loss_on="2025-03-31",
        newly_acquired_on="2025-03-01",
        peril="theft",
        cost="5000",
    )
    # least of 25% of 12,000 = 3,000, 10,000 and 5,000; less the deductible
    assert (loss.covered, loss.payout, loss.item_id, loss.item_removed) == (
        True,
        Decimal("2900.00"),
        None,
        False,
    )
    assert loss.refund == Decimal("0.00")
    late = record_loss(
        policy=policy,
        loss_on="2025-04-01",
        newly_acquired_on="2025-03-01",
        peril="theft",
        cost="5000",
    )
    assert (late.covered, late.reason_code) == (False, "newly_acquired_period_over")


def test_newly_acquired_cap_and_removed_items_do_not_count(presets):
    policy = bind(items=[RING | {"limit": "80000"}, {"ref": "w1", "kind": "watch", "limit": "900"}])
    remove_item(policy=policy, ref="w1", on="2025-02-01")
    loss = record_loss(
        policy=policy,
        loss_on="2025-03-05",
        newly_acquired_on="2025-03-01",
        peril="fire",
        cost="12000",
    )
    assert loss.payout == Decimal("9900.00")  # 25% of 80,000 is over the 10,000 cap
    small = record_loss(
        policy=policy,
        loss_on="2025-03-05",
        newly_acquired_on="2025-03-01",
        peril="fire",
        cost="300",
    )
    assert small.payout == Decimal("200.00")


def test_a_cancelled_policy_covers_losses_before_its_cancellation_only(policy):
    cancel(policy=policy, cancel_on="2025-06-01", by="insured")
    after = record_loss(
        policy=policy, loss_on="2025-06-15", item_ref="r1", peril="fire", cost="500"
    )
    assert (after.covered, after.reason_code) == (False, "outside_policy_period")
    assert after.period_end == dt.date(2026, 1, 1)  # the period; cover ended on 1 June
    before = record_loss(
        policy=policy, loss_on="2025-05-15", item_ref="r1", peril="fire", cost="500"
    )
    assert (before.covered, before.payout) == (True, Decimal("400.00"))


def test_deadlines_are_kept_and_listed(policy):
    # Recording a loss agrees its amount on the platform's today: payment is due 30 days on.
    with clock_set(dt.date(2025, 5, 12)):
        loss = record_loss(
            policy=policy,
            loss_on="2025-05-02",
            item_ref="r1",
            peril="fire",
            cost="500",
            known_on="2025-05-05",
            proof_requested_on=dt.date(2025, 5, 10),
        )
    assert loss.known_on == dt.date(2025, 5, 5)
    assert loss.proof_of_loss_due == dt.date(2025, 8, 8)  # 90 days after 10 May
    assert loss.suit_by == dt.date(2026, 5, 5)  # one year after the insured knew
    assert (loss.amount_agreed_on, loss.payment_due) == (dt.date(2025, 5, 12), dt.date(2025, 6, 11))
    assert (loss.appraiser_named_by, loss.umpire_chosen_by) == (None,) * 2
    assert list(loss_deadlines_open(caller=SYSTEM, on=dt.date(2026, 5, 5))) == [loss]
    assert list(loss_deadlines_open(caller=SYSTEM, on=dt.date(2026, 5, 6))) == []
    plain = record_loss(policy=policy, loss_on="2025-05-03", item_ref="r1", peril="fire", cost="5")
    assert (plain.known_on, plain.suit_by) == (dt.date(2025, 5, 3), dt.date(2026, 5, 3))


LOSS_BAD_INPUT = [
    ({"loss_on": "2025-13-01"}, "loss_on"),
    ({"peril": "meteor"}, "peril"),
    ({"peril": "wear_and_tear", "repair": "polishing"}, "repair"),
    ({"cost": "-1"}, "cost"),
    ({"cost": "1.001"}, "cost"),
    ({"service_plan_due": "x"}, "service_plan_due"),
    ({"paid_by_others": 5.5}, "paid_by_others"),
    ({"other_insurance_limits": "-1"}, "other_insurance_limits"),
    ({"pair_set_amount": "1.234"}, "pair_set_amount"),
    ({"item_ref": "zz"}, "item_ref"),
    ({"item_ref": None}, "newly_acquired_on"),
    ({"newly_acquired_on": "2025-03-01"}, "newly_acquired_on"),
    ({"item_ref": None, "newly_acquired_on": "2025-02-30"}, "newly_acquired_on"),
    ({"known_on": "2025-05-01"}, "known_on"),
    ({"proof_requested_on": "2025-05-01"}, "proof_requested_on"),
]


def test_loss_bad_input_names_the_field_and_writes_nothing(policy):
    arguments = {"loss_on": "2025-05-02", "item_ref": "r1", "peril": "theft", "cost": "900"}
    before, state = row_counts(), policy_state(policy)
    for changes, field in LOSS_BAD_INPUT:
        with pytest.raises(InvalidInput) as error:
            record_loss(policy=policy, **(arguments | changes))
        assert error.value.field == field, changes
        assert (row_counts(), policy_state(policy)) == (before, state), changes


def test_a_loss_after_today_is_refused(policy):
    before = row_counts()
    tomorrow = today() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as error:
        record_loss(policy=policy, loss_on=tomorrow, item_ref="r1", peril="fire", cost="5")
    assert error.value.field == "loss_on"
    assert row_counts() == before


def test_a_loss_on_a_removed_item_is_refused(policy):
    record_loss(policy=policy, loss_on="2025-05-02", item_ref="r1", peril="theft", cost="9000")
    before, state = row_counts(), policy_state(policy)
    with pytest.raises(Refused) as error:
        record_loss(policy=policy, loss_on="2025-06-02", item_ref="r1", peril="fire", cost="100")
    assert error.value.code == "item_not_scheduled"
    assert (row_counts(), policy_state(policy)) == (before, state)


def test_a_loss_before_the_item_was_added_is_refused(policy):
    add_item(policy=policy, ref="n1", kind="necklace", limit="5000", on="2025-07-02")
    before, state = row_counts(), policy_state(policy)
    with pytest.raises(Refused) as error:
        record_loss(policy=policy, loss_on="2025-07-01", item_ref="n1", peril="fire", cost="100")
    assert error.value.code == "item_not_scheduled"
    assert (row_counts(), policy_state(policy)) == (before, state)


def test_a_loss_after_renewal_is_settled_in_the_year_it_happened(presets):
    policy = bind(value_adjustment=True, value_index="100")
    renew(policy=policy, index_now="110")  # r1: 8,000 → 8,800, premium 105.60
    loss = record_loss(
        policy=policy, loss_on="2025-12-01", item_ref="r1", peril="theft", cost="9000"
    )
    assert (loss.period_start, loss.period_end) == (dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    assert loss.payout == Decimal("7900.00")  # the 2025 limit of 8,000
    # 2025: 96 x 31 / 365 = 8.153 → 8.15; 2026: the whole 105.60 back
    assert loss.refund == Decimal("113.75")
    refunds = PolicyEvent.objects.filter(kind="item_removed").order_by("id")
    assert [(e.period_start.year, e.refund) for e in refunds] == [
        (2025, Decimal("8.15")),
        (2026, Decimal("105.60")),
    ]
    assert policy_premium_in_force(policy=policy) == Decimal("0.00")


def test_a_loss_in_the_renewed_period_uses_the_new_limit(presets):
    policy = bind(value_adjustment=True, value_index="100")
    renew(policy=policy, index_now="110")
    loss = record_loss(
        policy=policy, loss_on="2026-03-01", item_ref="r1", peril="theft", cost="9000"
    )
    # least of 9,000 and 8,800, less 100; 306 days left: 105.60 x 306 / 365 = 88.528 → 88.53
    assert (loss.payout, loss.refund) == (Decimal("8700.00"), Decimal("88.53"))

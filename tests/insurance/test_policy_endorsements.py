"""Endorsements mid-term: changing an item, prorated by days, each with a new declarations
page emailed after commit (RULEBOOK §6)."""

from decimal import Decimal

import pytest
from insurance_factories import add_item, bind, record_loss, remove_item
from policy_lifecycle_factories import (
    change_item,
    day,
    index_record,
    lifecycle_counts,
    lifecycle_state,
    policyholder_of,
)

from gemcare.common.clock import clock_set
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.common.models import AuditEntry
from gemcare.insurance import history_selectors, selectors
from gemcare.insurance.models import PolicyEvent, ScheduledItem


@pytest.mark.parametrize(
    ("limit", "premium", "refund", "annual"),
    [
        # 10000/100 x 1.20 = 120.00 a year, 24.00 more: x 184/365 days = 12.098 -> 12.10
        ("10000.00", "12.10", "0.00", "120.00"),
        # 6000 -> 72.00 a year, 24.00 less: 12.10 back
        ("6000.00", "0.00", "12.10", "72.00"),
    ],
)
def test_a_new_limit_is_charged_or_refunded_by_days(policy, limit, premium, refund, annual):
    event = change_item(policy=policy, ref="r1", on="2025-07-01", limit=limit)
    assert (event.kind, event.premium, event.refund) == (
        "item_changed",
        Decimal(premium),
        Decimal(refund),
    )
    assert (event.previous_limit, event.limit) == (Decimal("8000.00"), Decimal(limit))
    item = ScheduledItem.objects.get(policy=policy, ref="r1")
    assert (item.limit, item.premium) == (Decimal(limit), Decimal(annual))
    policy.refresh_from_db()
    assert policy.premium == Decimal("96.00") + Decimal(premium)
    assert selectors.policy_premium_in_force(policy=policy) == (
        Decimal("96.00") + Decimal(premium) - Decimal(refund)
    )
    assert AuditEntry.objects.filter(action="scheduled_item_changed").count() == 1


def test_a_descriptive_change_costs_nothing_and_is_an_endorsement(policy):
    event = change_item(
        policy=policy,
        ref="r1",
        on="2025-03-01",
        description="Solitaire, 1.2 ct",
        grading_report_number="GIA 2141438171",
    )
    assert (event.premium, event.refund) == (Decimal("0.00"), Decimal("0.00"))
    item = ScheduledItem.objects.get(policy=policy, ref="r1")
    assert item.grading_report_number == "GIA 2141438171"
    endorsements = history_selectors.policy_endorsements(policy)
    assert [(e.number, e.kind, e.item_ref) for e in endorsements] == [(1, "item_changed", "r1")]


def test_nothing_changed_is_refused(policy):
    before, state = lifecycle_counts(), lifecycle_state(policy)
    with pytest.raises(Refused) as error:
        change_item(policy=policy, ref="r1", on="2025-03-01", limit="8000.00")
    assert error.value.code == "nothing_changed"
    assert (lifecycle_counts(), lifecycle_state(policy)) == (before, state)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ref": "zz", "on": "2025-03-01", "limit": "100.00"}, "ref"),
        ({"ref": "r1", "on": "2026-01-01", "limit": "100.00"}, "on"),
        ({"ref": "r1", "on": "2024-12-31", "limit": "100.00"}, "on"),
        ({"ref": "r1", "on": "2025-03-01", "limit": "-1"}, "limit"),
        ({"ref": "r1", "on": "2025-03-01", "limit": "1e30"}, "limit"),
        ({"ref": "r1", "on": "9999-01-01", "limit": "100.00"}, "on"),
        ({"ref": "r1", "on": "2025-03-01", "kind": "spaceship"}, "kind"),
        ({"ref": "r1", "on": "2025-03-01", "possessed_by": "Stranger"}, "possessed_by"),
        ({"ref": "r1", "on": "2025-03-01", "description": "x" * 301}, "description"),
        ({"ref": ["r1"], "on": "2025-03-01", "limit": "100.00"}, "ref"),
    ],
)
def test_bad_changes_name_the_field_and_write_nothing(policy, fields, field):
    before, state = lifecycle_counts(), lifecycle_state(policy)
    with clock_set(day("2025-03-01")), pytest.raises(InvalidInput) as error:
        change_item(policy=policy, **fields)
    assert error.value.field == field
    assert (lifecycle_counts(), lifecycle_state(policy)) == (before, state)


def test_a_change_before_a_loss_on_the_item_is_out_of_order(policy):
    with clock_set(day("2025-05-01")):
        record_loss(
            policy=policy,
            loss_on="2025-05-01",
            item_ref="r1",
            peril="accidental_damage",
            cost="300.00",
        )
    before, state = lifecycle_counts(), lifecycle_state(policy)
    with pytest.raises(Refused) as error:
        change_item(policy=policy, ref="r1", on="2025-04-01", limit="9000.00")
    assert error.value.code == "out_of_order"
    assert (lifecycle_counts(), lifecycle_state(policy)) == (before, state)


def test_a_removed_item_cannot_be_changed(policy):
    with clock_set(day("2025-04-01")):
        add_item(policy=policy, ref="n1", kind="necklace", limit="1000.00", on="2025-04-01")
        remove_item(policy=policy, ref="n1", on="2025-05-01")
    with pytest.raises(Refused) as error:
        change_item(policy=policy, ref="n1", on="2025-06-01", limit="2000.00")
    assert error.value.code == "item_not_scheduled"


def test_a_policyholder_cannot_endorse_and_another_is_told_not_found(presets):
    mine, theirs = bind(), bind()
    before = lifecycle_counts()
    with pytest.raises(Refused) as error:
        change_item(
            policy=mine, ref="r1", on="2025-03-01", limit="9000.00", caller=policyholder_of(mine)
        )
    assert error.value.code == "not_allowed"
    with pytest.raises(NotFound):
        change_item(
            policy=theirs, ref="r1", on="2025-03-01", limit="9000.00", caller=policyholder_of(mine)
        )
    assert lifecycle_counts() == before


def test_a_new_limit_takes_the_index_in_force_on_a_value_adjusted_policy(presets):
    index_record("2025-01-01", "100.0")
    index_record("2025-06-01", "104.5")
    policy = bind(value_adjustment=True)
    assert ScheduledItem.objects.get(policy=policy).limit_index == Decimal("100.0")
    change_item(policy=policy, ref="r1", on="2025-07-01", limit="9000.00")
    assert ScheduledItem.objects.get(policy=policy).limit_index == Decimal("104.5")


def test_every_endorsement_emails_new_declarations_after_commit(
    policy, django_capture_on_commit_callbacks, monkeypatch
):
    from gemcare.insurance import tasks

    sent = []

    class Recorder:
        @staticmethod
        def enqueue(**kwargs):
            sent.append(kwargs)

    monkeypatch.setattr(tasks, "policy_declarations_email_task", Recorder)
    with django_capture_on_commit_callbacks(execute=True):
        change_item(policy=policy, ref="r1", on="2025-03-01", limit="9000.00")
    with django_capture_on_commit_callbacks(execute=True):
        add_item(policy=policy, ref="n1", kind="necklace", limit="1000.00", on="2025-04-01")
    with django_capture_on_commit_callbacks(execute=True):
        remove_item(policy=policy, ref="n1", on="2025-05-01")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):
        change_item(policy=policy, ref="r1", on="2025-06-01", limit="9000.00")
    assert sent == [{"policy_id": policy.pk, "reason": "endorsement"}] * 3
    assert [e.kind for e in history_selectors.policy_endorsements(policy)] == [
        PolicyEvent.ITEM_CHANGED,
        PolicyEvent.ITEM_ADDED,
        PolicyEvent.ITEM_REMOVED,
    ]

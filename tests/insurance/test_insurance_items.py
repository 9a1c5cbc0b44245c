"""Adding and removing scheduled items mid-period (RULEBOOK §6)."""

import datetime as dt
from decimal import Decimal

import pytest
from insurance_factories import (
    add_item,
    cancel,
    policy_state,
    record_loss,
    remove_item,
    row_counts,
)

from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.models import AuditEntry
from gemcare.insurance.models import PolicyEvent, ScheduledItem
from gemcare.insurance.selectors import policy_items, policy_premium_in_force


def test_add_charges_the_premium_for_the_rest_of_the_period(policy):
    item = add_item(policy=policy, ref="n1", kind="necklace", limit="5000", on="2025-07-02")
    # annual 50 x 1.20 = 60.00; 183 of 365 days left: 60 x 183 / 365 = 30.082 → 30.08
    assert item.premium == Decimal("60.00")
    assert item.scheduled_on == dt.date(2025, 7, 2)
    event = PolicyEvent.objects.get(item=item)
    assert (event.kind, event.premium, event.limit) == ("item_added", Decimal("30.08"), 5000)
    assert policy.premium == Decimal("126.08")
    assert policy_premium_in_force(policy=policy) == Decimal("126.08")
    assert [i.ref for i in policy_items(policy=policy)] == ["r1", "n1"]
    assert AuditEntry.objects.filter(action="scheduled_item_added").count() == 1


def test_add_on_the_first_day_charges_the_full_annual_premium(policy):
    add_item(policy=policy, ref="n1", kind="necklace", limit="5000", on="2025-01-01")
    assert policy.premium == Decimal("156.00")


def test_remove_refunds_the_unearned_premium(policy):
    item = remove_item(policy=policy, ref="r1", on=dt.date(2025, 3, 1))
    # 306 of 365 days left: 96 x 306 / 365 = 80.482 → 80.48
    assert (item.status, item.removed_on) == (ScheduledItem.REMOVED, dt.date(2025, 3, 1))
    event = PolicyEvent.objects.get(item=item)
    assert (event.kind, event.refund) == ("item_removed", Decimal("80.48"))
    assert policy.premium == Decimal("96.00")  # written premium is unchanged
    assert policy_premium_in_force(policy=policy) == Decimal("15.52")
    assert list(policy_items(policy=policy)) == []
    assert policy_items(policy=policy, include_removed=True).count() == 1


def test_remove_an_added_item_refunds_from_its_annual_premium(policy):
    add_item(policy=policy, ref="n1", kind="necklace", limit="5000", on="2025-07-02")
    remove_item(policy=policy, ref="n1", on="2025-10-01")
    # 92 of 365 days left: 60 x 92 / 365 = 15.123 → 15.12
    assert PolicyEvent.objects.get(kind="item_removed").refund == Decimal("15.12")
    assert policy_premium_in_force(policy=policy) == Decimal("110.96")


def test_remove_twice_is_refused_and_changes_nothing(policy):
    remove_item(policy=policy, ref="r1", on="2025-03-01")
    before, state = row_counts(), policy_state(policy)
    with pytest.raises(Refused) as error:
        remove_item(policy=policy, ref="r1", on="2025-04-01")
    assert error.value.code == "item_not_scheduled"
    assert (row_counts(), policy_state(policy)) == (before, state)


ADD_BAD_INPUT = [
    ({"ref": "r1"}, "ref", "duplicate_item_ref"),
    ({"ref": ""}, "ref", "invalid"),
    ({"limit": "-1"}, "limit", "invalid"),
    ({"limit": "12.345"}, "limit", "invalid"),
    ({"on": "2025-13-01"}, "on", "invalid"),
    ({"on": "2026-01-01"}, "on", "not_in_policy_period"),
    ({"on": "2024-12-31"}, "on", "not_in_policy_period"),
    ({"kind": "tiara"}, "kind", "invalid"),
    ({"description": "x" * 301}, "description", "invalid"),
    ({"possessed_by": "Dan Roe"}, "possessed_by", "invalid"),
    ({"value_index": "-3"}, "value_index", "invalid"),
]


def test_add_bad_input_names_the_field_and_changes_nothing(policy):
    before, state = row_counts(), policy_state(policy)
    for changes, field, code in ADD_BAD_INPUT:
        arguments = {"ref": "n1", "kind": "necklace", "limit": "5000", "on": "2025-07-02"}
        with pytest.raises(InvalidInput) as error:
            add_item(policy=policy, **(arguments | changes))
        assert (error.value.field, error.value.code) == (field, code), changes
        assert (row_counts(), policy_state(policy)) == (before, state), changes


def test_add_to_a_named_insureds_possession(policy):
    item = add_item(
        policy=policy,
        ref="n1",
        kind="necklace",
        limit="5000",
        on="2025-07-02",
        possessed_by="ann lee",
    )
    assert item.possessed_by == "ann lee"


def test_remove_bad_input(policy):
    before = row_counts()
    with pytest.raises(InvalidInput) as error:
        remove_item(policy=policy, ref="zz", on="2025-03-01")
    assert error.value.field == "ref"
    with pytest.raises(InvalidInput) as error:
        remove_item(policy=policy, ref="r1", on="2026-01-01")
    assert error.value.field == "on"
    assert row_counts() == before


def test_changes_to_a_cancelled_policy_are_refused(policy):
    cancel(policy=policy, cancel_on="2025-06-01", by="insured")
    before, state = row_counts(), policy_state(policy)
    with pytest.raises(Refused) as error:
        add_item(policy=policy, ref="n1", kind="necklace", limit="5000", on="2025-07-02")
    assert error.value.code == "policy_not_active"
    with pytest.raises(Refused) as error:
        remove_item(policy=policy, ref="r1", on="2025-05-01")
    assert error.value.code == "policy_not_active"
    assert (row_counts(), policy_state(policy)) == (before, state)


def test_a_removal_dated_before_a_loss_on_the_item_is_out_of_order(policy):
    record_loss(policy=policy, loss_on="2025-05-02", item_ref="r1", peril="fire", cost="50")
    before, state = row_counts(), policy_state(policy)
    with pytest.raises(Refused) as error:
        remove_item(policy=policy, ref="r1", on="2025-05-01")
    assert error.value.code == "out_of_order"
    assert (row_counts(), policy_state(policy)) == (before, state)
    assert remove_item(policy=policy, ref="r1", on="2025-05-02").removed_on.isoformat() == (
        "2025-05-02"
    )

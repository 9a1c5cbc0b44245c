"""Cancelling and renewing a policy (RULEBOOK §6.2)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from insurance_factories import (
    RING,
    add_item,
    bind,
    cancel,
    policy_state,
    record_loss,
    renew,
    row_counts,
)

from gemcare.catalog.models import InsuranceProduct
from gemcare.catalog.services import draft_create, version_publish
from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.models import AuditEntry
from gemcare.insurance.models import Policy, PolicyCancellation, PolicyEvent
from gemcare.insurance.selectors import policy_items, policy_premium_in_force


@pytest.fixture
def policy(presets):
    """The rulebook's refunds (RULEBOOK 6.2) are of a premium paid: this policy's was
    collected, and no payment is recorded here."""
    return bind(billed_here=False)


@pytest.mark.parametrize(
    ("cancel_on", "refund"),
    [
        ("2025-01-31", "96.00"),  # day 30: the full premium
        ("2025-02-01", "87.85"),  # day 31: 96 x 334 / 365 = 87.846
    ],
)
def test_cancel_by_the_insured(policy, cancel_on, refund):
    cancellation = cancel(policy=policy, cancel_on=cancel_on, by="insured")
    assert cancellation.refund == Decimal(refund)
    assert cancellation.premium_in_force == Decimal("96.00")
    assert policy.status == Policy.CANCELLED
    event = PolicyEvent.objects.get(policy=policy, kind="cancelled")
    assert (event.on, event.refund) == (dt.date.fromisoformat(cancel_on), Decimal(refund))
    assert AuditEntry.objects.filter(action="policy_cancelled").count() == 1


def test_cancel_by_the_insurer_needs_ten_days_notice(policy):
    before, state = row_counts(), policy_state(policy)
    with pytest.raises(Refused) as error:
        cancel(policy=policy, cancel_on="2025-07-01", by="insurer", notice_on="2025-06-22")
    assert error.value.code == "notice_too_short"
    assert (row_counts(), policy_state(policy)) == (before, state)

    cancellation = cancel(
        policy=policy, cancel_on="2025-07-01", by="insurer", notice_on="2025-06-21"
    )
    # pro rata even inside the first 30 days' window: 96 x 184 / 365 = 48.394
    assert cancellation.refund == Decimal("48.39")
    assert cancellation.notice_on == dt.date(2025, 6, 21)


def test_cancel_twice_is_refused_and_changes_nothing(policy):
    cancel(policy=policy, cancel_on="2025-02-01", by="insured")
    before, state = row_counts(), policy_state(policy)
    with pytest.raises(Refused) as error:
        cancel(policy=policy, cancel_on="2025-03-01", by="insured")
    assert error.value.code == "policy_not_active"
    assert (row_counts(), policy_state(policy)) == (before, state)
    assert PolicyCancellation.objects.get(policy=policy).cancel_on == dt.date(2025, 2, 1)


def test_cancel_refunds_from_the_premium_still_in_force(policy):
    record_loss(policy=policy, loss_on="2025-05-02", item_ref="r1", peril="theft", cost="9000")
    cancellation = cancel(policy=policy, cancel_on="2025-07-01", by="insured")
    # 96 - 64.18 refunded for the stolen ring = 31.82 still paid, but nothing is left on the
    # schedule: the ring's unearned premium went back with the loss, so nothing more is due.
    assert cancellation.premium_in_force == Decimal("31.82")
    assert cancellation.refund == Decimal("0.00")


def test_cancel_never_refunds_installment_fees(presets):
    policy = bind(installments=12, billed_here=False)
    assert policy.installment == Decimal("10.50")
    assert cancel(policy=policy, cancel_on="2025-02-01", by="insured").refund == Decimal("87.85")


def test_cancel_after_an_added_item(policy):
    add_item(policy=policy, ref="n1", kind="necklace", limit="5000", on="2025-07-02")
    cancellation = cancel(policy=policy, cancel_on="2025-07-02", by="insured")
    # 96 + 30.08 written (the necklace's 60.00 a year, for 183 of 365 days); both items are in
    # force: (96 + 60) x 183 / 365 = 78.21
    assert (cancellation.premium_in_force, cancellation.refund) == (
        Decimal("126.08"),
        Decimal("78.21"),
    )


CANCEL_BAD_INPUT = [
    ({"cancel_on": "2025-13-01"}, "cancel_on", "invalid"),
    ({"cancel_on": "2024-12-31"}, "cancel_on", "not_in_policy_period"),
    ({"cancel_on": "2026-01-02"}, "cancel_on", "not_in_policy_period"),
    ({"by": "holder"}, "by", "invalid"),
    ({"by": "insurer", "notice_on": "2025-07-02"}, "notice_on", "invalid"),
    ({"colour": "red"}, "colour", "unknown_field"),
]


def test_cancel_bad_input_changes_nothing(policy):
    record_loss(policy=policy, loss_on="2025-05-02", item_ref="r1", peril="fire", cost="50")
    before, state = row_counts(), policy_state(policy)
    for changes, field, code in CANCEL_BAD_INPUT:
        arguments = {"cancel_on": "2025-07-01", "by": "insured"} | changes
        with pytest.raises(InvalidInput) as error:
            cancel(policy=policy, **arguments)
        assert (error.value.field, error.value.code) == (field, code), changes
        assert (row_counts(), policy_state(policy)) == (before, state), changes


def test_a_cancellation_before_a_recorded_change_is_out_of_order(policy):
    record_loss(policy=policy, loss_on="2025-05-02", item_ref="r1", peril="fire", cost="50")
    add_item(policy=policy, ref="n1", kind="necklace", limit="5000", on="2025-06-10")
    before, state = row_counts(), policy_state(policy)
    for cancel_on in ("2025-05-01", "2025-06-09"):
        with pytest.raises(Refused) as error:
            cancel(policy=policy, cancel_on=cancel_on, by="insured")
        assert error.value.code == "out_of_order"
        assert cancel_on in error.value.message and "2025-" in error.value.message
        assert (row_counts(), policy_state(policy)) == (before, state)
    assert cancel(policy=policy, cancel_on="2025-06-10", by="insured").refund > 0


def test_an_insured_may_cancel_ahead_and_is_covered_until_then(policy):
    """The insured's request for a later day is recorded at once; the cover runs to it."""
    with clock_set(dt.date(2025, 3, 1)):
        cancellation = cancel(policy=policy, cancel_on="2025-03-20", by="insured")
    # 96 x 287 / 365 = 75.48
    assert (cancellation.cancel_on, cancellation.refund) == (dt.date(2025, 3, 20), Decimal("75.48"))
    assert policy.status == Policy.CANCELLED


def test_an_insured_cannot_cancel_past_the_period(policy):
    before, state = row_counts(), policy_state(policy)
    with clock_set(dt.date(2025, 3, 1)), pytest.raises(InvalidInput) as error:
        cancel(policy=policy, cancel_on="2026-01-02", by="insured")
    assert (error.value.field, error.value.code) == ("cancel_on", "not_in_policy_period")
    assert (row_counts(), policy_state(policy)) == (before, state)


def test_a_cancellation_far_ahead_is_refused_at_the_edge(policy):
    before = row_counts()
    for cancel_on in ("3000-01-01", "0001-01-01"):
        with pytest.raises(InvalidInput) as error:
            cancel(policy=policy, cancel_on=cancel_on, by="insurer", notice_on="2025-01-01")
        assert error.value.field == "cancel_on"
    assert row_counts() == before


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    days=st.integers(min_value=0, max_value=365),
    by=st.sampled_from(["insured", "insurer"]),
    limit=st.integers(min_value=1, max_value=50_000),
)
def test_a_cancellation_refund_is_never_negative_nor_above_the_premium(presets, days, by, limit):
    with transaction.atomic():
        policy = bind(items=[RING | {"limit": str(limit)}], billed_here=False)
        cancel_on = policy.period_start + dt.timedelta(days=days)
        refund = cancel(policy=policy, cancel_on=cancel_on, by=by).refund
        assert Decimal("0.00") <= refund <= policy.premium
        transaction.set_rollback(True)


def test_renew_at_the_same_rates_without_an_index(policy):
    renewal = renew(policy=policy)
    assert (renewal.period_start, renewal.period_end) == (dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert renewal.limits == {"r1": "8000.00"}
    assert renewal.premium == Decimal("96.00")
    assert (policy.period_start, policy.period_end) == (dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert policy.inception_on == dt.date(2025, 1, 1)
    assert policy_premium_in_force(policy=policy) == Decimal("96.00")
    assert AuditEntry.objects.filter(action="policy_renewed").count() == 1


def test_renew_at_the_rates_in_force_now(policy):
    product = InsuranceProduct.objects.get(code="personal-jewelry")
    draft = draft_create(caller=Caller.system("test"), product=product)
    draft.default_rate = Decimal("1.30")
    draft.save()
    version_publish(caller=Caller.system("test"), version=draft)
    # An endorsement during the year keeps the policy's own rating (1.20).
    item = add_item(policy=policy, ref="w1", kind="watch", limit="1000", on="2025-01-01")
    assert item.premium == Decimal("12.00")

    renewal = renew(policy=policy)
    assert renewal.rating_version.number == 2
    assert renewal.premium == Decimal("117.00")  # 80 x 1.30 + 10 x 1.30
    assert policy.rating_version_id == renewal.rating_version_id
    assert [i.premium for i in policy_items(policy=policy)] == [Decimal("104.00"), Decimal("13.00")]


def test_renew_with_the_index_up(presets):
    policy = bind(value_adjustment=True, value_index="100")
    renewal = renew(policy=policy, index_now="110")
    assert renewal.limits == {"r1": "8800.00"}
    assert renewal.premium == Decimal("105.60")  # 88 x 1.20
    assert (renewal.index_then, renewal.index_now) == (None, Decimal("110"))
    item = policy_items(policy=policy).get()
    assert (item.limit, item.limit_index, item.premium) == (8800, Decimal("110"), Decimal("105.60"))
    event = PolicyEvent.objects.get(kind="item_renewed")
    assert (event.previous_limit, event.limit, event.previous_item_premium) == (8000, 8800, 96)


def test_renew_with_the_index_down_never_lowers_a_limit(presets):
    policy = bind(value_adjustment=True, value_index="100")
    renewal = renew(policy=policy, index_now="90")
    assert renewal.limits == {"r1": "8000.00"}
    item = policy_items(policy=policy).get()
    assert (item.limit, item.limit_index) == (Decimal("8000.00"), Decimal("100"))
    # The fall is made up before the limit rises: 8,000 x 105 / 100 = 8,400
    assert renew(policy=policy, index_now="105").limits == {"r1": "8400.00"}


def test_renew_with_given_indexes_rounds_to_the_dollar(presets):
    policy = bind(value_adjustment=True)
    renewal = renew(policy=policy, index_then="104.5", index_now=Decimal("109.3"))
    # 8,000 x 109.3 / 104.5 = 8,367.46 → 8,367.00; 83.67 x 1.20 = 100.404
    assert renewal.limits == {"r1": "8367.00"}
    assert renewal.premium == Decimal("100.40")


def test_renew_refusals_change_nothing(presets):
    plain = bind()
    adjusted = bind(value_adjustment=True)
    cancelled = bind()
    cancel(policy=cancelled, cancel_on="2025-02-01", by="insured")
    before = row_counts()
    states = [policy_state(p) for p in (plain, adjusted, cancelled)]

    with pytest.raises(Refused) as error:
        renew(policy=plain, index_now="110", index_then="100")
    assert error.value.code == "value_adjustment_not_on_policy"
    with pytest.raises(InvalidInput) as error:
        renew(policy=adjusted, index_now="110")  # no index recorded, none given
    assert error.value.field == "index_then"
    with pytest.raises(InvalidInput) as error:
        renew(policy=adjusted, index_then="100")
    assert error.value.field == "index_now"
    with pytest.raises(InvalidInput) as error:
        renew(policy=adjusted, index_now="-1", index_then="100")
    assert error.value.field == "index_now"
    with pytest.raises(Refused) as error:
        renew(policy=cancelled)
    assert error.value.code == "policy_not_active"

    assert row_counts() == before
    assert [policy_state(p) for p in (plain, adjusted, cancelled)] == states

"""Billing: the installment schedule, payments, and the insurer's cancellation for a missed
payment with ten days' written notice (RULEBOOK §6.2)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from insurance_factories import SYSTEM, add_item, bind, cancel, policy_state
from policy_lifecycle_factories import (
    daily,
    day,
    lifecycle_counts,
    lifecycle_state,
    monthly_policy,
    pay,
    policyholder_of,
)

from gemcare.common.clock import clock_set
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.insurance import selectors, services
from gemcare.insurance.models import Policy, PolicyCancellationNotice, PolicyPayment
from gemcare.insurance.schemas import PolicyCancelIn, PolicyPaymentIn
from gemcare.rules.insurance_lifecycle import installment_schedule, overdue, premium_paid


def test_the_schedule_splits_the_premium_and_adds_the_fee():
    lines = installment_schedule(
        start=day("2025-01-31"), premium=Decimal("50.00"), installments=12, fee=Decimal("2.50")
    )
    assert [line.due_on for line in lines[:3]] == [
        day("2025-01-31"),
        day("2025-02-28"),
        day("2025-03-31"),
    ]
    assert {line.amount for line in lines[:11]} == {Decimal("6.67")}
    # the last part takes the rounding: 11 x 4.17 + 4.13 = 50.00
    assert lines[-1].premium == Decimal("4.13")
    assert sum(line.premium for line in lines) == Decimal("50.00")


def test_an_endorsement_is_spread_over_the_installments_still_ahead():
    lines = installment_schedule(
        start=day("2025-01-01"),
        premium=Decimal("96.00"),
        installments=12,
        fee=Decimal("2.50"),
        adjustments=[(day("2025-07-01"), Decimal("30.00"))],
    )
    assert [line.premium for line in lines[:6]] == [Decimal("8.00")] * 6
    assert [line.premium for line in lines[6:]] == [Decimal("13.00")] * 6


def test_paid_in_full_an_endorsement_is_due_on_its_own_day():
    lines = installment_schedule(
        start=day("2025-01-01"),
        premium=Decimal("96.00"),
        installments=1,
        fee=Decimal("2.50"),
        adjustments=[(day("2025-03-01"), Decimal("12.34"))],
        paid=Decimal("100.00"),
    )
    assert [(line.due_on, line.amount, line.paid) for line in lines] == [
        (day("2025-01-01"), Decimal("96.00"), Decimal("96.00")),
        (day("2025-03-01"), Decimal("12.34"), Decimal("4.00")),
    ]
    assert premium_paid(lines) == Decimal("100.00")
    assert overdue(lines, day("2025-03-01")) == Decimal("0")
    assert overdue(lines, day("2025-03-02")) == Decimal("8.34")


def test_a_payment_covers_each_fee_first():
    lines = installment_schedule(
        start=day("2025-01-01"),
        premium=Decimal("96.00"),
        installments=12,
        fee=Decimal("2.50"),
        paid=Decimal("12.00"),
    )
    # 10.50 pays the first in full, 1.50 goes to the second one's fee: 8.00 of premium
    assert premium_paid(lines) == Decimal("8.00")


def test_policy_installments_show_paid_due_and_overdue(presets):
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="10.50")
    rows = selectors.policy_installments(policy, on=day("2025-02-02"))
    assert len(rows) == 12
    assert [row.status for row in rows[:3]] == ["paid", "overdue", "due"]
    assert rows[1].amount == Decimal("10.50") and rows[1].fee == Decimal("2.50")


def test_a_payment_is_recorded_with_its_audit_entry(presets):
    policy = monthly_policy()
    recorded = pay(policy=policy, paid_on="2025-01-01", amount="21.00", reference="chk 104")
    assert recorded.amount == Decimal("21.00")
    payment = PolicyPayment.objects.get(policy=policy)
    assert (payment.period_start, payment.reference) == (day("2025-01-01"), "chk 104")
    assert AuditEntry.objects.filter(action="policy_payment_recorded").count() == 1


def test_more_than_the_policy_owes_is_refused(presets):
    policy = bind()  # 96.00 in full
    before, state = lifecycle_counts(), lifecycle_state(policy)
    with pytest.raises(InvalidInput) as error:
        pay(policy=policy, paid_on="2025-01-01", amount="96.01")
    assert (error.value.field, error.value.code) == ("amount", "payment_more_than_due")
    assert (lifecycle_counts(), lifecycle_state(policy)) == (before, state)
    pay(policy=policy, paid_on="2025-01-01", amount="96.00")


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("0", "amount"),
        ("-5", "amount"),
        ("1e9999", "amount"),
        ("12.345", "amount"),
        (12.5, "amount"),
    ],
)
def test_bad_amounts_are_refused_at_the_edge(presets, amount, field):
    policy = bind()
    before = lifecycle_counts()
    paid_on = "1900-01-01" if field == "paid_on" else "2025-01-01"
    with pytest.raises(InvalidInput) as error:
        pay(policy=policy, paid_on=paid_on, amount="10.00" if field == "paid_on" else amount)
    assert error.value.field == field
    assert lifecycle_counts() == before


def test_a_payment_in_the_future_or_out_of_order_is_refused(presets):
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-02-01", amount="10.50")
    before = lifecycle_counts()
    with clock_set(day("2025-02-05")), pytest.raises(InvalidInput) as error:
        services.policy_payment_record(
            caller=SYSTEM,
            policy=policy,
            data=validate_input(PolicyPaymentIn, {"paid_on": "2025-03-01", "amount": "10.50"}),
        )
    assert error.value.field == "paid_on"
    with pytest.raises(Refused) as refused:
        pay(policy=policy, paid_on="2025-01-15", amount="10.50")
    assert refused.value.code == "out_of_order"
    assert lifecycle_counts() == before


def test_a_policyholder_cannot_record_a_payment_of_their_own(presets):
    """Money received is the provider's record: the payer's say-so writes nothing."""
    policy = bind()
    before, state = lifecycle_counts(), lifecycle_state(policy)
    with pytest.raises(Refused) as error:
        pay(policy=policy, paid_on="2025-01-01", amount="96.00", caller=policyholder_of(policy))
    assert error.value.code == "not_allowed"
    assert (lifecycle_counts(), lifecycle_state(policy)) == (before, state)
    assert selectors.policy_overdue(policy=policy, on=day("2025-01-02")) == Decimal("96.00")
    assert pay(policy=policy, paid_on="2025-01-01", amount="96.00").amount == Decimal("96.00")


def test_another_policyholder_is_told_the_policy_does_not_exist(presets):
    mine, theirs = bind(), bind()
    before, state = lifecycle_counts(), lifecycle_state(theirs)
    with pytest.raises(NotFound) as error:
        pay(policy=theirs, paid_on="2025-01-01", amount="10.00", caller=policyholder_of(mine))
    assert error.value.code == "policy_not_found"
    assert (lifecycle_counts(), lifecycle_state(theirs)) == (before, state)


# --- a missed payment: the insurer's notice, ten days, paid or carried out ----------------------


@pytest.fixture
def missed(presets):
    """Monthly policy, first installment paid, the second (due 2025-02-01) missed."""
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="10.50")
    return policy


def test_no_notice_while_the_installment_is_not_yet_late(missed):
    assert daily("2025-02-01").done["notice_given"] == 0
    assert not PolicyCancellationNotice.objects.exists()


def test_the_day_after_it_was_due_the_notice_is_given_for_ten_days_later(missed):
    report = daily("2025-02-02")
    assert report.done["notice_given"] == 1
    notice = PolicyCancellationNotice.objects.get(policy=missed)
    assert (notice.notice_on, notice.cancel_on, notice.amount_due) == (
        day("2025-02-02"),
        day("2025-02-12"),
        Decimal("10.50"),
    )
    assert notice.is_pending
    # run twice the same day: nothing more
    assert daily("2025-02-02").done == {}
    assert PolicyCancellationNotice.objects.count() == 1


def test_paying_before_the_day_withdraws_the_notice(missed):
    daily("2025-02-02")
    recorded = pay(policy=missed, paid_on="2025-02-11", amount="10.50")
    assert recorded.notice_withdrawn
    notice = PolicyCancellationNotice.objects.get(policy=missed)
    assert (notice.status, notice.closed_on) == ("withdrawn", day("2025-02-11"))
    daily("2025-02-12")
    missed.refresh_from_db()
    assert missed.status == Policy.ACTIVE


def test_a_policyholder_saying_they_paid_does_not_withdraw_the_notice(missed):
    daily("2025-02-02")
    before, state = lifecycle_counts(), lifecycle_state(missed)
    with pytest.raises(Refused) as error:
        pay(policy=missed, paid_on="2025-02-05", amount="10.50", caller=policyholder_of(missed))
    assert error.value.code == "not_allowed"
    assert (lifecycle_counts(), lifecycle_state(missed)) == (before, state)
    assert PolicyCancellationNotice.objects.get(policy=missed).is_pending
    daily("2025-02-12")
    missed.refresh_from_db()
    assert missed.status == Policy.CANCELLED


def test_paying_part_of_it_leaves_the_notice_standing(missed):
    daily("2025-02-02")
    assert not pay(policy=missed, paid_on="2025-02-05", amount="5.00").notice_withdrawn
    assert PolicyCancellationNotice.objects.get(policy=missed).is_pending


def test_the_notice_is_carried_out_on_its_day_not_before(missed):
    daily("2025-02-02")
    daily("2025-02-11")
    missed.refresh_from_db()
    assert missed.status == Policy.ACTIVE
    report = daily("2025-02-12")
    assert report.done["cancelled_for_nonpayment"] == 1
    missed.refresh_from_db()
    assert missed.status == Policy.CANCELLED
    cancellation = missed.cancellation
    assert (cancellation.by, cancellation.cancel_on, cancellation.notice_on) == (
        "insurer",
        day("2025-02-12"),
        day("2025-02-02"),
    )
    # paid 8.00 of premium; earned to 2025-02-12 is more: nothing to refund
    assert cancellation.refund == Decimal("0.00")
    assert PolicyCancellationNotice.objects.get(policy=missed).status == "carried_out"
    rows = selectors.policy_installments(missed, on=day("2025-02-12"))
    assert [row.status for row in rows[2:]] == ["cancelled"] * 10
    assert rows[1].status == "overdue"


def test_paying_on_the_day_it_takes_effect_is_too_late(missed):
    daily("2025-02-02")
    assert not pay(policy=missed, paid_on="2025-02-12", amount="10.50").notice_withdrawn
    daily("2025-02-12")
    missed.refresh_from_db()
    assert missed.status == Policy.CANCELLED


def test_the_insurer_cannot_give_notice_with_nothing_overdue(presets):
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="21.00")
    before = lifecycle_counts()
    with pytest.raises(Refused) as error:
        services.policy_insurer_cancel_for_nonpayment(
            caller=SYSTEM, policy=policy, on=day("2025-02-20")
        )
    assert error.value.code == "nothing_overdue"
    assert lifecycle_counts() == before


# --- cancellation: the preview, paid installments ------------------------------------------------


def test_the_preview_shows_the_refund_and_writes_nothing(presets):
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="42.00")  # four installments: 32.00 premium
    data = validate_input(PolicyCancelIn, {"cancel_on": "2025-03-01", "by": "insured"})
    before = lifecycle_counts()
    with clock_set(day("2025-03-01")):
        preview = selectors.policy_cancel_preview(caller=SYSTEM, policy=policy, data=data)
    assert lifecycle_counts() == before
    # 96 x 306 / 365 = 80.48, less the 64.00 of installments never paid (cancelled)
    assert preview.breakdown.unearned == Decimal("80.48")
    assert preview.refund == Decimal("16.48")
    assert preview.breakdown.days_left == 306
    assert [line.number for line in preview.installments_cancelled] == list(range(5, 13))
    with clock_set(day("2025-03-01")):
        assert cancel(policy=policy, cancel_on="2025-03-01", by="insured").refund == preview.refund


def test_the_preview_is_refused_like_the_cancellation(presets):
    policy = bind()
    with clock_set(day("2025-05-25")):
        data = validate_input(
            PolicyCancelIn, {"cancel_on": "2025-06-01", "by": "insurer", "notice_on": "2025-05-25"}
        )
    with clock_set(day("2025-05-25")), pytest.raises(Refused) as error:
        selectors.policy_cancel_preview(caller=SYSTEM, policy=policy, data=data)
    assert error.value.code == "notice_too_short"


def test_another_policyholder_gets_no_preview(presets):
    mine, theirs = bind(), bind()
    data = validate_input(PolicyCancelIn, {"cancel_on": "2025-06-01", "by": "insured"})
    with clock_set(day("2025-05-25")), pytest.raises(NotFound):
        selectors.policy_cancel_preview(caller=policyholder_of(mine), policy=theirs, data=data)


def test_a_policyholder_cancels_ahead_but_not_back(presets):
    policy = bind()
    pay(policy=policy, paid_on="2025-01-01", amount="96.00")
    holder = policyholder_of(policy)
    before = lifecycle_counts()
    with clock_set(day("2025-05-25")), pytest.raises(InvalidInput) as error:
        cancel(policy=policy, cancel_on="2025-05-20", by="insured", caller=holder)
    assert error.value.field == "cancel_on"
    with clock_set(day("2025-05-25")), pytest.raises(InvalidInput):
        cancel(policy=policy, cancel_on="2025-06-20", by="insurer", caller=holder)
    assert lifecycle_counts() == before
    with clock_set(day("2025-05-25")):
        assert cancel(policy=policy, cancel_on="2025-06-20", by="insured", caller=holder)


def test_an_added_item_raises_the_installments_still_ahead(presets):
    policy = monthly_policy()
    with clock_set(day("2025-07-01")):
        add_item(policy=policy, ref="n1", kind="necklace", limit="5000.00", on="2025-07-01")
    # 5000/100 x 1.20 = 60.00 a year; 184 of 365 days left: 30.25, over six installments
    rows = selectors.policy_installments(policy, on=day("2025-07-01"))
    assert sum(row.premium for row in rows[6:]) == Decimal("48.00") + Decimal("30.25")
    assert rows[6].premium == Decimal("13.04")
    assert rows[-1].premium == Decimal("13.05")
    assert dt.date(2025, 12, 1) == rows[-1].due_on


@settings(max_examples=200, deadline=None)
@given(
    premium=st.decimals(min_value="50.00", max_value="99999.99", places=2),
    installments=st.sampled_from([1, 12]),
    adjustments=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=364),
            st.decimals(min_value="-500.00", max_value="500.00", places=2),
        ),
        max_size=4,
    ),
    paid=st.decimals(min_value="0.00", max_value="200000.00", places=2),
)
def test_the_schedule_adds_up_and_never_goes_negative(premium, installments, adjustments, paid):
    start = day("2025-01-01")
    dated = [(start + dt.timedelta(days=offset), amount) for offset, amount in adjustments]
    lines = installment_schedule(
        start=start,
        premium=premium,
        installments=installments,
        fee=Decimal("2.50"),
        adjustments=dated,
        paid=paid,
    )
    total = premium + sum((amount for _, amount in dated), Decimal("0"))
    assert all(line.premium >= 0 and line.paid >= 0 for line in lines)
    assert sum(line.premium for line in lines) == max(total, Decimal("0"))
    assert sum(line.paid for line in lines) == min(paid, sum(line.amount for line in lines))
    assert [line.due_on for line in lines] == sorted(line.due_on for line in lines)


def test_an_insured_cancels_ahead_only_as_far_as_the_cover_is_paid(presets):
    # Monthly: January's installment paid, February's due on 2025-02-01. Cancelled from a day
    # past it, the policy would stay in force unpaid (a cancelled policy gets no notice).
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="10.50")
    holder = policyholder_of(policy)
    before, state = lifecycle_counts(), policy_state(policy)
    with clock_set(day("2025-01-10")):
        for caller in (holder, SYSTEM):
            with pytest.raises(Refused) as refused:
                cancel(policy=policy, cancel_on="2025-12-20", by="insured", caller=caller)
            assert refused.value.code == "cancellation_past_paid_cover"
            assert "2025-02-01" in refused.value.message
        assert (lifecycle_counts(), policy_state(policy)) == (before, state)
        assert cancel(policy=policy, cancel_on="2025-02-01", by="insured", caller=holder)


def test_with_nothing_paid_an_insured_cancels_from_today_at_the_latest(presets):
    policy = bind()
    with clock_set(day("2025-01-05")):
        with pytest.raises(Refused) as refused:
            cancel(policy=policy, cancel_on="2025-01-06", by="insured")
        assert refused.value.code == "cancellation_past_paid_cover"
        # Nothing was paid, so nothing comes back.
        assert cancel(policy=policy, cancel_on="2025-01-05", by="insured").refund == Decimal("0")

"""Cancelling and renewing a jewelry insurance policy (RULEBOOK §6.2).

The policy runs 2025-01-01 to 2026-01-01 (365 days) with a 120.00 premium in force.
"""

import datetime as dt
from decimal import Decimal

import pytest

from gemcare.rules.errors import RuleRefusal
from gemcare.rules.insurance import index_adjusted_limit, policy_cancellation_refund

START = dt.date(2025, 1, 1)
END = dt.date(2026, 1, 1)
PREMIUM = Decimal("120.00")


def refund(cancel_on, by, notice_on=None, premium=PREMIUM):
    return policy_cancellation_refund(
        premium_paid=premium,
        annual_premium_in_force=premium,
        start=START,
        end=END,
        cancel_on=cancel_on,
        by=by,
        notice_on=notice_on,
    )


@pytest.mark.parametrize("cancel_on", [START, dt.date(2025, 1, 15), dt.date(2025, 1, 31)])
def test_insured_cancelling_within_30_days_gets_the_full_premium(cancel_on):
    assert refund(cancel_on, "insured") == Decimal("120.00")


def test_insured_cancelling_on_day_31_gets_pro_rata():
    # 2025-02-01 leaves 334 of 365 days: 120.00 x 334 / 365 = 109.8082... -> 109.81
    assert refund(dt.date(2025, 2, 1), "insured") == Decimal("109.81")


def test_insured_cancelling_on_the_last_day():
    # 1 day left: 120.00 / 365 = 0.3287... -> 0.33
    assert refund(dt.date(2025, 12, 31), "insured") == Decimal("0.33")


def test_insurer_notice_of_9_days_is_refused():
    with pytest.raises(RuleRefusal) as refused:
        refund(dt.date(2025, 6, 10), "insurer", notice_on=dt.date(2025, 6, 1))

    assert refused.value.code == "notice_too_short"
    assert "10 days" in refused.value.message


def test_insurer_notice_of_10_days_gives_pro_rata():
    # 2025-06-11 leaves 204 of 365 days: 120.00 x 204 / 365 = 67.0684... -> 67.07
    assert refund(dt.date(2025, 6, 11), "insurer", notice_on=dt.date(2025, 6, 1)) == Decimal(
        "67.07"
    )


def test_insurer_cancelling_early_still_gives_pro_rata_only():
    # 2025-01-11 leaves 355 of 365 days: 120.00 x 355 / 365 = 116.7123... -> 116.71
    assert refund(dt.date(2025, 1, 11), "insurer", notice_on=START) == Decimal("116.71")


def test_insurer_without_a_notice_date_takes_it_as_given():
    assert refund(dt.date(2025, 2, 1), "insurer") == Decimal("109.81")


# --- insurance value adjustment -------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "index_then", "index_now", "new_limit"),
    [
        ("8000.00", "100", "105.37", "8430.00"),  # 8429.60 -> 8430
        ("1000.00", "100", "100.05", "1001.00"),  # 1000.50, half-up
        ("3000.00", "100", "100.01", "3000.00"),  # 3000.30 -> 3000
        ("5000.00", "250.0", "251.0", "5020.00"),
        ("8000.00", "100", "100", "8000.00"),
    ],
)
def test_index_adjusted_limit_follows_the_index(limit, index_then, index_now, new_limit):
    result = index_adjusted_limit(
        Decimal(limit), index_then=Decimal(index_then), index_now=Decimal(index_now)
    )

    assert result == Decimal(new_limit)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("index_now", ["95", "99.99", "99.995"])
def test_index_down_never_lowers_the_limit(index_now):
    result = index_adjusted_limit(
        Decimal("8000.00"), index_then=Decimal("100"), index_now=Decimal(index_now)
    )

    assert result == Decimal("8000.00")


def test_after_a_total_loss_only_the_items_still_scheduled_earn_a_refund():
    # Ring 96.00 + necklace 24.00 = 120.00; the ring is stolen on 2 May and its unearned
    # 64.18 refunded then; paid is now 55.82. Cancel 1 July: only the necklace is in force:
    # 24.00 x 184/365 = 12.098 -> 12.10 (not 55.82 x 184/365 = 28.14, which counts the ring twice).
    assert policy_cancellation_refund(
        premium_paid=Decimal("55.82"),
        annual_premium_in_force=Decimal("24.00"),
        start=START,
        end=END,
        cancel_on=dt.date(2025, 7, 1),
        by="insured",
    ) == Decimal("12.10")


def test_an_item_added_mid_term_is_refunded_for_the_days_it_was_charged():
    # 120.00 policy; an item with an annual premium of 30.00 added on 2 July is charged
    # 30 x 183/365 = 15.04. Cancelled the same day: 150 x 183/365 = 75.21 comes back.
    assert policy_cancellation_refund(
        premium_paid=Decimal("135.04"),
        annual_premium_in_force=Decimal("150.00"),
        start=START,
        end=END,
        cancel_on=dt.date(2025, 7, 2),
        by="insured",
    ) == Decimal("75.21")


def test_the_refund_never_exceeds_what_was_paid():
    assert policy_cancellation_refund(
        premium_paid=Decimal("10.00"),
        annual_premium_in_force=Decimal("120.00"),
        start=START,
        end=END,
        cancel_on=dt.date(2025, 7, 1),
        by="insurer",
    ) == Decimal("10.00")

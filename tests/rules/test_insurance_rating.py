"""Jewelry insurance rating (RULEBOOK §6, rule-interpretations "Insurance")."""

import datetime as dt
from decimal import Decimal

import pytest

from gemcare.rules.errors import RuleInputError
from gemcare.rules.insurance import (
    check_possession,
    item_premium,
    policy_period_end,
    quote_policy,
)

TEN_THOUSAND = Decimal("10000.00")


@pytest.mark.parametrize(
    ("state", "premium"),
    [
        ("WI", "120.00"),  # 100 x 1.20, the default rate
        ("NJ", "120.00"),
        ("CA", "145.00"),
        ("FL", "160.00"),
        ("NY", "155.00"),
        ("TX", "140.00"),
    ],
)
def test_state_rates_per_100_of_limit(rating, state, premium):
    result = item_premium(rating, state=state, deductible=Decimal("100"), limit=TEN_THOUSAND)

    assert result == Decimal(premium)


@pytest.mark.parametrize(
    ("deductible", "premium"),
    [
        ("0", "132.00"),  # 120 x 1.10
        ("100", "120.00"),
        ("250", "110.40"),  # 120 x 0.92
        ("500", "102.00"),  # 120 x 0.85
        ("1000", "90.00"),  # 120 x 0.75
        ("1000.00", "90.00"),
    ],
)
def test_deductible_factors(rating, deductible, premium):
    result = item_premium(rating, state="WI", deductible=Decimal(deductible), limit=TEN_THOUSAND)

    assert result == Decimal(premium)


@pytest.mark.parametrize(
    ("state", "deductible", "limit", "premium"),
    [
        ("CA", "250", "1234.56", "16.47"),  # 12.3456 x 1.45 x 0.92 = 16.4690...
        ("CA", "100", "50.00", "0.73"),  # 0.725, half-up
        ("WI", "100", "10000.42", "120.01"),  # 120.00504
    ],
)
def test_item_premium_is_rounded_to_cents_half_up(rating, state, deductible, limit, premium):
    result = item_premium(rating, state=state, deductible=Decimal(deductible), limit=Decimal(limit))

    assert result == Decimal(premium)
    assert result.as_tuple().exponent == -2


def test_the_rulebook_example_premium(rating):
    quote = quote_policy(rating, state="WI", deductible=Decimal("100"), limits=[Decimal("8000.00")])

    assert quote.premium == Decimal("96.00")
    assert quote.installments == 1
    assert quote.installment is None


def test_policy_premium_is_the_sum_of_rounded_item_premiums(rating):
    limits = [Decimal("10000.42"), Decimal("10000.42")]

    quote = quote_policy(rating, state="WI", deductible=Decimal("100"), limits=limits)

    assert quote.item_premiums == (Decimal("120.01"), Decimal("120.01"))
    assert quote.premium == Decimal("240.02")  # not 240.01, the rounded total


@pytest.mark.parametrize(
    "limits",
    [
        ["2000.00", "1000.00"],  # 24.00 + 12.00
        ["4166.66"],  # 49.99992, rounded to 50.00
        ["100.00"],
        [],
    ],
)
def test_policy_premium_is_at_least_50(rating, limits):
    quote = quote_policy(
        rating, state="WI", deductible=Decimal("100"), limits=[Decimal(v) for v in limits]
    )

    assert quote.premium == Decimal("50.00")


def test_policy_premium_just_above_the_minimum(rating):
    quote = quote_policy(rating, state="WI", deductible=Decimal("100"), limits=[Decimal("4200.00")])

    assert quote.premium == Decimal("50.40")


@pytest.mark.parametrize(
    ("limits", "installment"),
    [
        (["8000.00"], "10.50"),  # 96.00 / 12 = 8.00 + 2.50
        (["1000.00"], "6.67"),  # minimum 50.00 / 12 = 4.1666 -> 4.17 + 2.50
        (["11116.67"], "13.62"),  # 133.40 / 12 = 11.1166 -> 11.12 + 2.50
    ],
)
def test_monthly_installments(rating, limits, installment):
    quote = quote_policy(
        rating,
        state="WI",
        deductible=Decimal("100"),
        limits=[Decimal(v) for v in limits],
        installments=12,
    )

    assert quote.installments == 12
    assert quote.installment == Decimal(installment)


@pytest.mark.parametrize("deductible", ["200", "50", "0.01", "5000"])
def test_unknown_deductible_names_the_field(rating, deductible):
    with pytest.raises(RuleInputError) as refused:
        item_premium(rating, state="WI", deductible=Decimal(deductible), limit=TEN_THOUSAND)

    assert refused.value.field == "deductible"
    assert "deductible" in str(refused.value)


def test_unknown_deductible_in_a_quote(rating):
    with pytest.raises(RuleInputError) as refused:
        quote_policy(rating, state="WI", deductible=Decimal("200"), limits=[TEN_THOUSAND])

    assert refused.value.field == "deductible"


@pytest.mark.parametrize("installments", [2, 4, 6, 24, 0])
def test_installments_not_offered(rating, installments):
    with pytest.raises(RuleInputError) as refused:
        quote_policy(
            rating,
            state="WI",
            deductible=Decimal("100"),
            limits=[TEN_THOUSAND],
            installments=installments,
        )

    assert refused.value.field == "installments"


def test_policy_period_is_one_year():
    assert policy_period_end(dt.date(2025, 1, 1)) == dt.date(2026, 1, 1)
    assert policy_period_end(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_possession_by_a_named_insured_is_fine():
    check_possession(["Ana Diaz", "Ben Diaz"], [None, " ana diaz ", "Ben Diaz", ""])


def test_possession_by_someone_not_named_is_refused():
    with pytest.raises(RuleInputError) as refused:
        check_possession(["Ana Diaz"], [None, "Carla Ruiz"])

    assert refused.value.field == "items[1].possessed_by"
    assert refused.value.value == "Carla Ruiz"

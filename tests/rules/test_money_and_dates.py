"""Money and dates as RULEBOOK §0 defines them, and the words that carry them."""

import datetime as dt
from decimal import Decimal

import pytest

from gemcare.rules.dates import add_years, days_between, parse_date, within_days
from gemcare.rules.errors import RuleInputError
from gemcare.rules.money import parse_decimal, parse_money, round_cents, round_dollars
from gemcare.rules.reasons import Reason


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("85.00", "85.00"),
        ("85", "85.00"),
        (" 85.5 ", "85.50"),
        (85, "85.00"),
        (Decimal("85.5"), "85.50"),
        ("0", "0.00"),
        ("24999.99", "24999.99"),
    ],
)
def test_parse_money_reads_amounts(value, amount):
    result = parse_money(value, field="cost")

    assert result == Decimal(amount)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "value",
    [
        85.0,
        0.1,
        "-1.00",
        -1,
        Decimal("-0.01"),
        "1.005",
        Decimal("0.001"),
        "abc",
        "1,000.00",
        "",
        "NaN",
        "Infinity",
        "-Infinity",
        Decimal("NaN"),
        True,
        False,
        None,
        [],
        "1e30",
    ],
)
def test_parse_money_refuses_naming_the_field(value):
    with pytest.raises(RuleInputError) as refused:
        parse_money(value, field="lines[0].cost")

    assert refused.value.field == "lines[0].cost"
    assert str(refused.value).startswith("lines[0].cost: ")


def test_parse_money_can_refuse_zero():
    with pytest.raises(RuleInputError) as refused:
        parse_money("0.00", field="price", allow_zero=False)

    assert refused.value.field == "price"


@pytest.mark.parametrize("value", ["1.25", "105.37", 2, Decimal("0.9")])
def test_parse_decimal_reads_positive_numbers(value):
    assert parse_decimal(value, field="index") == Decimal(str(value))


@pytest.mark.parametrize("value", [1.25, True, "0", "-1", "x", "NaN", "Infinity"])
def test_parse_decimal_refuses(value):
    with pytest.raises(RuleInputError) as refused:
        parse_decimal(value, field="index_now")

    assert refused.value.field == "index_now"


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2024-02-29", dt.date(2024, 2, 29)),
        (" 2025-01-01 ", dt.date(2025, 1, 1)),
        (dt.date(2025, 1, 1), dt.date(2025, 1, 1)),
    ],
)
def test_parse_date_reads_dates(value, date):
    assert parse_date(value, field="incident") == date


@pytest.mark.parametrize(
    "value",
    [
        "2024-02-30",
        "2025-02-29",
        "yesterday",
        "",
        "01/03/2024",
        dt.datetime(2024, 3, 1, 12, 0),
        dt.datetime(2024, 3, 1),
        None,
        20240301,
    ],
)
def test_parse_date_refuses_naming_the_field(value):
    with pytest.raises(RuleInputError) as refused:
        parse_date(value, field="incident")

    assert refused.value.field == "incident"


@pytest.mark.parametrize(
    ("start", "years", "result"),
    [
        (dt.date(2024, 2, 29), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 3, dt.date(2027, 2, 28)),
        (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 29)),
        (dt.date(2024, 2, 29), 5, dt.date(2029, 2, 28)),
        (dt.date(2024, 3, 1), 3, dt.date(2027, 3, 1)),
        (dt.date(2023, 2, 28), 1, dt.date(2024, 2, 28)),
    ],
)
def test_add_years(start, years, result):
    assert add_years(start, years) == result


def test_days_between_and_within_days():
    assert days_between(dt.date(2024, 3, 1), dt.date(2029, 3, 1)) == 1826
    assert days_between(dt.date(2025, 3, 1), dt.date(2025, 2, 27)) == -2
    assert within_days(dt.date(2024, 3, 31), dt.date(2024, 3, 1), 30) is True
    assert within_days(dt.date(2024, 4, 1), dt.date(2024, 3, 1), 30) is False


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # half-even would give 0.02
        ("2.675", "2.68"),
        ("1.004999", "1.00"),
        ("43.8976", "43.90"),
        ("7", "7.00"),
    ],
)
def test_round_cents_half_up(amount, rounded):
    result = round_cents(Decimal(amount))

    assert result == Decimal(rounded)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [("8429.60", "8430.00"), ("1000.50", "1001.00"), ("2.50", "3.00"), ("1000.49", "1000.00")],
)
def test_round_dollars_half_up(amount, rounded):
    assert round_dollars(Decimal(amount)) == Decimal(rounded)


def test_reason_words_show_money_dates_and_codes():
    reason = Reason.of("line_approved", service="prong_repair", amount=Decimal("1234.5"))
    expired = Reason.of("expired", term_end=dt.date(2027, 2, 28), incident=dt.date(2027, 3, 1))

    assert reason == Reason("line_approved", "prong repair is covered: $1,234.50 approved.")
    assert "2027-02-28" in expired.words
    assert "2027-03-01" in expired.words

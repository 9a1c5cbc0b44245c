"""Quotes and the retailer's commission (RULEBOOK §2.2, rule-interpretations "Quotes")."""

from decimal import Decimal

import pytest

from gemcare.rules.pricing import quote_plan, retailer_commission

# RULEBOOK §2.2, copied by hand: (low, high) of each band and each product's price in it.
BANDS = [
    ("25.00", "499.99"),
    ("500.00", "999.99"),
    ("1000.00", "1999.99"),
    ("2000.00", "3999.99"),
    ("4000.00", "6999.99"),
    ("7000.00", "9999.99"),
    ("10000.00", "24999.99"),
]
PRICES = {
    "care-jewelry-lifetime": ["59.00", "99.00", "149.00", "229.00", "349.00", "499.00", "749.00"],
    "care-jewelry-3yr": ["39.00", "69.00", "99.00", "149.00", "229.00", "329.00", "499.00"],
    "care-watch-3yr": ["49.00", "79.00", "119.00", "179.00", "269.00", "379.00", "549.00"],
    "ljpp-lifetime": ["69.00", "119.00", "179.00", "269.00", "399.00", "549.00"],
}
KIND = {
    "care-jewelry-lifetime": "ring",
    "care-jewelry-3yr": "necklace",
    "care-watch-3yr": "watch",
    "ljpp-lifetime": "bracelet",
}


def _edge_cases():
    for code, prices in PRICES.items():
        for (low, high), price in zip(BANDS, prices, strict=False):
            yield pytest.param(code, low, price, id=f"{code}-{low}")
            yield pytest.param(code, high, price, id=f"{code}-{high}")


@pytest.mark.parametrize(("code", "item_price", "plan_price"), list(_edge_cases()))
def test_every_band_edge_gives_the_band_price(terms, code, item_price, plan_price):
    quote = quote_plan(terms(code), item_kind=KIND[code], item_price=Decimal(item_price))

    assert quote.offer is True
    assert quote.price == Decimal(plan_price)
    assert quote.reason_code is None
    assert quote.reason.code == "offered"
    assert quote.reason.words == f"This item can be protected for ${Decimal(plan_price):,.2f}."


@pytest.mark.parametrize("code", list(PRICES))
def test_under_the_lowest_band_gets_no_offer(terms, code):
    quote = quote_plan(terms(code), item_kind=KIND[code], item_price=Decimal("24.99"))

    assert quote.offer is False
    assert quote.price is None
    assert quote.reason_code == "price_below_bands"
    assert "$25.00" in quote.reason.words


@pytest.mark.parametrize("code", ["care-jewelry-lifetime", "care-jewelry-3yr", "care-watch-3yr"])
def test_care_plans_stop_at_24999_99(terms, code):
    quote = quote_plan(terms(code), item_kind=KIND[code], item_price=Decimal("25000.00"))

    assert quote.offer is False
    assert quote.price is None
    assert quote.reason_code == "price_above_bands"
    assert "$24,999.99" in quote.reason.words
    assert "offer jewelry insurance" in quote.reason.words


@pytest.mark.parametrize("item_price", ["10000.00", "24999.99", "25000.00"])
def test_ljpp_has_no_band_from_10000(terms, item_price):
    quote = quote_plan(terms("ljpp-lifetime"), item_kind="ring", item_price=Decimal(item_price))

    assert quote.offer is False
    assert quote.reason_code == "price_above_bands"
    assert "$9,999.99" in quote.reason.words
    assert "offer jewelry insurance" in quote.reason.words


@pytest.mark.parametrize("code", ["care-jewelry-lifetime", "care-jewelry-3yr", "ljpp-lifetime"])
def test_a_watch_is_not_covered_by_a_jewelry_plan(terms, code):
    quote = quote_plan(terms(code), item_kind="watch", item_price=Decimal("1200.00"))

    assert quote.offer is False
    assert quote.price is None
    assert quote.reason_code == "item_kind_not_covered"
    assert quote.reason.words == "This plan does not cover a watch."


@pytest.mark.parametrize("kind", ["ring", "bracelet", "necklace", "earrings"])
def test_jewelry_is_not_covered_by_the_watch_plan(terms, kind):
    quote = quote_plan(terms("care-watch-3yr"), item_kind=kind, item_price=Decimal("1200.00"))

    assert quote.offer is False
    assert quote.reason_code == "item_kind_not_covered"
    assert quote.reason.words == f"This plan does not cover a {kind}."


def test_the_kind_is_checked_before_the_price(terms):
    quote = quote_plan(terms("care-watch-3yr"), item_kind="ring", item_price=Decimal("10.00"))

    assert quote.reason_code == "item_kind_not_covered"


@pytest.mark.parametrize(
    ("plan_price", "rate", "commission"),
    [
        ("179.00", "0.40", "71.60"),  # the 40% default
        ("59.00", "0.40", "23.60"),
        ("749.00", "0.40", "299.60"),
        ("69.00", "0.35", "24.15"),
        ("59.00", "0.375", "22.13"),  # 22.125, half-up
        ("99.00", "0.333", "32.97"),  # 32.967
        ("179.00", "0", "0.00"),
    ],
)
def test_retailer_commission(plan_price, rate, commission):
    result = retailer_commission(Decimal(plan_price), Decimal(rate))

    assert result == Decimal(commission)
    assert result.as_tuple().exponent == -2

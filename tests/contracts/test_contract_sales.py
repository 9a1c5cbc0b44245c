"""Selling a plan (RULEBOOK §2.2 and §3) through `contract_sell`."""

import datetime as dt
from decimal import Decimal

import pytest
from factories import SYSTEM, holder_data, retailer_make, row_counts, sale_in, sell, store_make

from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import ACTIVE, HolderPeriod
from gemcare.contracts.schemas import QuoteIn
from gemcare.contracts.services import contract_quote, contract_sell

MARCH_1 = dt.date(2024, 3, 1)


def test_sell_records_price_commission_holder_event_and_audit(presets):
    contract = sell("ljpp-lifetime", state="OK", price="1200.00", kind="ring", purchased=MARCH_1)

    # RULEBOOK §2.2: an item of 1,000.00-1,999.99 on ljpp costs 179.00; 40% is 71.60.
    assert contract.plan_price == Decimal("179.00")
    assert contract.commission == Decimal("71.60")
    assert contract.product_version.number == 1
    assert contract.product_version.product.code == "ljpp-lifetime"
    assert (contract.item_kind, contract.item_price) == ("ring", Decimal("1200.00"))
    assert (contract.purchased_on, contract.item_sold_on) == (MARCH_1, MARCH_1)
    assert (contract.status, contract.state_at_sale) == (ACTIVE, "OK")
    assert contract.approved_total == Decimal("0.00")
    assert contract.number.startswith("C") and len(contract.number) == 9

    period = contract.holders.get()
    assert (period.holder, period.since, period.until) == (contract.holder, MARCH_1, None)
    assert period.reason == HolderPeriod.SALE
    event = contract.events.get()
    assert (event.kind, event.on, event.from_status, event.to_status) == (
        "sold",
        MARCH_1,
        "",
        ACTIVE,
    )
    entry = AuditEntry.objects.get(action="contract_sold")
    assert (entry.entity, entry.entity_id) == ("contract", str(contract.pk))
    assert entry.data == {"product": "ljpp-lifetime", "version": 1, "price": "179.00"}


def test_sell_uses_the_retailers_own_commission_rate(presets):
    store = store_make(retailer=retailer_make(commission_rate="0.3500"))

    contract = sell("care-jewelry-3yr", state="TX", price="600.00", store=store)

    # care-jewelry-3yr, 500.00-999.99: 69.00; 35% of it is 24.15.
    assert contract.plan_price == Decimal("69.00")
    assert contract.commission == Decimal("24.15")
    assert contract.retailer == store.retailer


def test_quote_gives_the_band_price(presets):
    quote = contract_quote(
        caller=SYSTEM,
        quote=validate_input(
            QuoteIn, {"product": "care-watch-3yr", "kind": "watch", "price": "4000.00"}
        ),
    )

    assert (quote.offer, quote.price) == (True, Decimal("269.00"))


@pytest.mark.parametrize(
    ("product", "kind", "price", "reason"),
    [
        ("ljpp-lifetime", "ring", "10000.00", "price_above_bands"),
        ("care-jewelry-lifetime", "ring", "25000.00", "price_above_bands"),
        ("care-jewelry-3yr", "ring", "24.99", "price_below_bands"),
        ("ljpp-lifetime", "watch", "500.00", "item_kind_not_covered"),
    ],
)
def test_no_offer_is_refused_with_the_quotes_reason_and_nothing_written(
    presets, product, kind, price, reason
):
    store = store_make()
    before = row_counts()

    with pytest.raises(Refused) as refused:
        sell(product, price=price, kind=kind, store=store)

    assert refused.value.code == reason
    assert row_counts() == before


def test_a_care_plan_on_an_item_sold_earlier_is_refused(presets):
    store = store_make()
    before = row_counts()

    with pytest.raises(InvalidInput) as invalid:
        sell("care-jewelry-lifetime", store=store, purchased=MARCH_1, sold="2024-02-01")

    assert invalid.value.code == "plan_must_be_sold_with_item"
    assert invalid.value.field == "item.sold"
    assert row_counts() == before


def test_ljpp_may_be_bought_after_the_item(presets):
    contract = sell("ljpp-lifetime", purchased=MARCH_1, sold="2024-01-15")

    assert contract.item_sold_on == dt.date(2024, 1, 15)
    assert contract.purchased_on == MARCH_1


def test_an_item_sold_after_the_plan_is_refused(presets):
    store = store_make()
    before = row_counts()

    with pytest.raises(InvalidInput) as invalid:
        sell("ljpp-lifetime", store=store, purchased=MARCH_1, sold="2024-03-02")

    assert invalid.value.field == "item.sold"
    assert row_counts() == before


BAD_SALES = [
    # (what is wrong, sell() arguments, field, code)
    ("unknown product", {"product": "gold-plan"}, "product", "unknown_product"),
    ("negative price", {"price": "-5.00"}, "item.price", "invalid"),
    ("three decimals", {"price": "12.345"}, "item.price", "invalid"),
    ("price as a float", {"price": 1200.0}, "item.price", "invalid"),
    ("no such date", {"purchased": "2024-02-30"}, "purchased", "invalid"),
    ("unknown item kind", {"kind": "tiara"}, "item.kind", "invalid"),
    ("unknown state", {"holder": holder_data(state="ZZ")}, "holder.state", "invalid"),
    ("holder without name", {"holder": holder_data(name=" ")}, "holder.name", "invalid"),
    (
        "unknown holder field",
        {"holder": holder_data(shoe_size="9")},
        "holder.shoe_size",
        "unknown_field",
    ),
    ("gift not a flag", {"gift": "yes"}, "item.gift", "invalid"),
]


@pytest.mark.parametrize(
    ("arguments", "field", "code"),
    [case[1:] for case in BAD_SALES],
    ids=[case[0] for case in BAD_SALES],
)
def test_bad_input_names_the_field_and_writes_nothing(presets, arguments, field, code):
    store = store_make()
    before = row_counts()

    with pytest.raises(InvalidInput) as invalid:
        sell(store=store, **arguments)

    assert invalid.value.field == field
    assert invalid.value.code == code
    assert field in invalid.value.describe()
    assert row_counts() == before


def test_a_blank_receipt_number_is_refused(presets):
    store = store_make()
    before = row_counts()

    with pytest.raises(InvalidInput) as invalid:
        contract_sell(caller=SYSTEM, store=store, sale=sale_in(receipt_number="  "))

    assert invalid.value.field == "receipt_number"
    assert row_counts() == before

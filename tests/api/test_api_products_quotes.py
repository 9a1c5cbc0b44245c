import datetime as dt
from decimal import Decimal

import pytest
from api_support import ApiClient, key_make
from django.utils import timezone
from factories import row_counts, store_make

from gemcare.api.models import Quote, QuoteOffer
from gemcare.api.selectors import quote_price_for
from gemcare.common.errors import InvalidInput, NotFound, Refused

pytestmark = pytest.mark.usefixtures("presets_once")

CART = {
    "holder_state": "TX",
    "items": [
        {"line_id": "1", "kind": "ring", "price": "1250.00", "sku": "R-1001"},
        {"line_id": "2", "kind": "loose_stone", "price": "3000.00"},
        {"line_id": "3", "kind": "watch", "price": "20.00", "water_resistant": True},
    ],
}


def test_products_lists_every_plan_on_sale(api):
    response = api.get("/products")
    assert response.status_code == 200
    products = response.json()["products"]
    assert products, "the presets publish plan products"
    for product in products:
        assert set(product) == {
            "code",
            "name",
            "version",
            "term_years",
            "item_kinds",
            "services",
            "price_bands",
        }
        assert set(product["services"]) >= set(product["item_kinds"])
        for services in product["services"].values():
            for service in services:
                assert set(service) == {"service", "requires_water_resistant", "max_sizes"}
        for band in product["price_bands"]:
            assert set(band) == {"low", "high", "price"}
            for amount in band.values():
                assert isinstance(amount, str) and amount == f"{Decimal(amount):.2f}"


def test_a_cart_quote_offers_per_line_or_says_why_not(api, key):
    before = Quote.objects.count()
    response = api.post("/quotes", CART)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "expires_at", "holder_state", "is_test", "items"}
    assert body["id"].startswith("qt_") and body["holder_state"] == "TX"
    assert body["is_test"] is False
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(days=29) < expires - timezone.now() <= dt.timedelta(days=30)
    ring, stone, watch = body["items"]
    assert [item["line_id"] for item in body["items"]] == ["1", "2", "3"]
    assert ring["price"] == "1250.00" and ring["offers"]
    for offer in ring["offers"]:
        assert set(offer) == {"product", "product_name", "version", "plan_price", "term_years"}
        assert offer["plan_price"] == f"{Decimal(offer['plan_price']):.2f}"
    assert stone["offers"] == []
    assert {reason["code"] for reason in stone["not_offered"]} == {"item_kind_not_covered"}
    for reason in stone["not_offered"] + watch["not_offered"]:
        assert set(reason) == {"product", "code", "message"} and reason["message"]
    assert Quote.objects.count() == before + 1
    quote = Quote.objects.get(public_id=body["id"])
    assert quote.retailer_id == key[0].retailer_id and not quote.is_test
    assert quote.items.count() == 3
    assert QuoteOffer.objects.filter(item__quote=quote).count() == len(ring["offers"]) + len(
        watch["offers"]
    )


def test_the_quoted_price_is_what_a_sale_must_charge(api, key):
    body = api.post("/quotes", CART).json()
    offer = body["items"][0]["offers"][0]
    caller = ApiClient  # noqa: F841  (only the key's caller matters)
    from gemcare.api.auth import key_caller

    me = key_caller(key[0]).caller
    price = quote_price_for(caller=me, quote_id=body["id"], line_id="1", product=offer["product"])
    assert price == Decimal(offer["plan_price"])
    with pytest.raises(InvalidInput) as error:
        quote_price_for(caller=me, quote_id=body["id"], line_id="9", product=offer["product"])
    assert error.value.code == "quote_line_unknown"
    with pytest.raises(Refused) as refused:
        quote_price_for(caller=me, quote_id=body["id"], line_id="2", product=offer["product"])
    assert refused.value.code == "not_quoted"
    with pytest.raises(NotFound):
        quote_price_for(
            caller=me, quote_id=body["id"], line_id="1", product=offer["product"], is_test=True
        )
    Quote.objects.filter(public_id=body["id"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(Refused) as expired:
        quote_price_for(caller=me, quote_id=body["id"], line_id="1", product=offer["product"])
    assert expired.value.code == "quote_expired"


def test_another_retailers_quote_is_not_found(api, db):
    body = api.post("/quotes", CART).json()
    from gemcare.api.auth import key_caller

    other, _ = key_make(store_make().retailer)
    with pytest.raises(NotFound) as error:
        quote_price_for(
            caller=key_caller(other).caller, quote_id=body["id"], line_id="1", product="x"
        )
    with pytest.raises(NotFound) as unknown:
        quote_price_for(
            caller=key_caller(other).caller, quote_id="qt_nope", line_id="1", product="x"
        )
    assert error.value.code == unknown.value.code == "quote_not_found"


def test_a_store_key_sees_only_its_stores_quotes(store):
    retailer_key, retailer_text = key_make(store.retailer)
    store_key, _ = key_make(store=store_make(retailer=store.retailer))
    body = ApiClient(retailer_text).post("/quotes", CART).json()
    from gemcare.api.auth import key_caller

    product = body["items"][0]["offers"][0]["product"]
    assert quote_price_for(
        caller=key_caller(retailer_key).caller, quote_id=body["id"], line_id="1", product=product
    )
    with pytest.raises(NotFound):
        quote_price_for(
            caller=key_caller(store_key).caller, quote_id=body["id"], line_id="1", product=product
        )


def test_a_test_key_makes_test_quotes(store):
    _, text = key_make(store.retailer, is_test=True)
    body = ApiClient(text).post("/quotes", CART).json()
    assert body["is_test"] is True
    assert Quote.objects.get(public_id=body["id"]).is_test


BAD_CARTS = [
    ({"holder_state": "XX", "items": CART["items"]}, "holder_state"),
    ({"holder_state": "TX", "items": []}, "items"),
    ({"holder_state": "TX"}, "items"),
    ({"items": CART["items"]}, "holder_state"),
    ({"holder_state": "TX", "items": "ring"}, "items"),
    ({"holder_state": "TX", "items": [{"line_id": "1", "kind": "ring"}]}, "items[0].price"),
    (
        {"holder_state": "TX", "items": [{"line_id": "1", "kind": "ring", "price": "10.001"}]},
        "items[0].price",
    ),
    (
        {"holder_state": "TX", "items": [{"line_id": "1", "kind": "ring", "price": 12.5}]},
        "items[0].price",
    ),
    *[
        (
            {"holder_state": "TX", "items": [{"line_id": "1", "kind": "ring", "price": price}]},
            "items[0].price",
        )
        for price in ["0", "0.00", "1e2", " 5", "+5", "01.00", "1.000", 12, "5."]
    ],
    (
        {"holder_state": "TX", "items": [{"line_id": "1", "kind": "ring", "price": "NaN"}]},
        "items[0].price",
    ),
    (
        {"holder_state": "TX", "items": [{"line_id": "1", "kind": "ring", "price": "-5.00"}]},
        "items[0].price",
    ),
    (
        {"holder_state": "TX", "items": [{"line_id": "1", "kind": "ring", "price": "1e9999"}]},
        "items[0].price",
    ),
    (
        {"holder_state": "TX", "items": [{"line_id": "1", "kind": "car", "price": "10.00"}]},
        "items[0].kind",
    ),
    (
        {"holder_state": "TX", "items": [{"line_id": "", "kind": "ring", "price": "10.00"}]},
        "items[0].line_id",
    ),
    (
        {
            "holder_state": "TX",
            "items": [{"line_id": "1", "kind": "ring", "price": "1", "water_resistant": "yes"}],
        },
        "items[0].water_resistant",
    ),
    (
        {
            "holder_state": "TX",
            "items": [{"line_id": "1", "kind": "ring", "price": "1", "colour": "red"}],
        },
        "items[0].colour",
    ),
    (
        {
            "holder_state": "TX",
            "items": [{"line_id": "1", "kind": "ring", "price": "1", "sku": "a\x00b"}],
        },
        "items[0].sku",
    ),
    (
        {
            "holder_state": "TX",
            "items": [{"line_id": str(n), "kind": "ring", "price": "1"} for n in range(101)],
        },
        "items",
    ),
    ([1, 2, 3], "body"),
    ("just text", "body"),
    (None, "body"),
]


@pytest.mark.parametrize(("cart", "field"), BAD_CARTS)
def test_a_bad_cart_is_422_naming_the_field_and_keeps_nothing(api, cart, field):
    before = row_counts()
    import json

    response = api.post("/quotes", json.dumps(cart))
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "field"}
    assert error["field"] == field, error
    assert error["code"] in {"invalid", "unknown_field"}
    assert error["message"].startswith(field)
    assert row_counts() == before


def test_a_cart_naming_a_line_twice_is_409_and_keeps_nothing(api):
    before = row_counts()
    line = {"line_id": "1", "kind": "ring", "price": "100.00"}
    response = api.post("/quotes", {"holder_state": "TX", "items": [line, line]})
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "duplicate_line_id",
        "message": "items[1].line_id: Two lines of the cart have the same line_id.",
        "field": "items[1].line_id",
    }
    assert row_counts() == before


def test_a_cart_is_quoted_in_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    cart = {
        "holder_state": "TX",
        "items": [
            {"line_id": str(n), "kind": "ring", "price": f"{100 + n * 150}.00"} for n in range(40)
        ],
    }
    # The first quote writes the key's last use and builds the plans' terms, which the
    # process keeps; every later one reads the key, the plans on sale and writes three inserts.
    assert api.post("/quotes", cart).status_code == 201
    with django_assert_max_num_queries(9):
        assert api.post("/quotes", cart).status_code == 201

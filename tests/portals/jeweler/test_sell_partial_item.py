"""The offers at the counter while the item is half given: the kind chosen before the price
is typed (or the reverse) answers a calm hint, not an error; a value given and wrong still
answers its error, naming the field, and without JavaScript shows it beside the field."""

import re

import pytest
from factories import row_counts
from jeweler_support import text_of

from gemcare.api.models import Quote

OFFERS = "/jeweler/sell/offers"
SELL = "/jeweler/sell"
HTMX = {"HX-Request": "true"}


def offers(client, **values):
    return client.get(
        OFFERS, {f"item.{name}": value for name, value in values.items()}, headers=HTMX
    )


@pytest.mark.parametrize(
    ("values", "hint"),
    [
        ({"kind": "ring"}, "Enter the price to see the offers."),
        ({"kind": "ring", "price": ""}, "Enter the price to see the offers."),
        ({"kind": "watch", "price": ""}, "Enter the price to see the offers."),
        ({"price": "1200.00"}, "Choose the item to see the offers."),
        ({"kind": "", "price": "1200.00"}, "Choose the item to see the offers."),
    ],
)
def test_a_half_given_item_answers_a_calm_hint(client, presets, people, values, hint):
    client.force_login(people.associate_a1)
    quotes = Quote.objects.count()

    response = offers(client, **values)

    page = text_of(response)
    assert response.status_code == 200
    assert f'<p class="hint">{hint}</p>' in page
    assert 'class="error"' not in page and 'role="alert"' not in page
    assert 'type="radio"' not in page and "<html" not in page
    assert Quote.objects.count() == quotes


def test_nothing_given_keeps_the_first_hint(client, presets, people):
    client.force_login(people.associate_a1)

    response = offers(client, kind="", price="")

    assert response.status_code == 200
    assert "Choose the item and type its price" in text_of(response)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "spaceship"}, "kind"),  # no price yet, but the kind is wrong
        ({"kind": "spaceship", "price": "1200.00"}, "kind"),
        ({"price": "12.345"}, "price"),  # no kind yet, but the price is wrong
        ({"price": "-5"}, "price"),
        ({"kind": "ring", "price": "abc"}, "price"),
        ({"kind": "ring", "price": "9" * 40}, "price"),
    ],
)
def test_a_wrong_value_still_answers_its_error(client, presets, people, values, field):
    client.force_login(people.associate_a1)

    response = offers(client, **values)

    page = text_of(response)
    assert response.status_code == 422
    error = rf'<p class="error" role="alert">The item&#x27;s {field} [^<]+\.</p>'
    assert re.search(error, page), page
    assert "to see the offers" not in page and 'type="radio"' not in page
    assert "spaceship" not in page  # the value typed is not repeated back


def test_the_full_page_with_only_the_kind_answers_the_hint(client, presets, people):
    client.force_login(people.associate_a1)

    response = client.get(SELL, {"item.kind": "ring"})

    page = text_of(response)
    assert response.status_code == 200
    assert "Enter the price to see the offers." in page and "error-summary" not in page


def test_without_javascript_a_half_given_item_shows_the_hint_and_sells_nothing(
    client, presets, people
):
    client.force_login(people.associate_a1)
    counts = row_counts()

    response = client.post(
        SELL, {"item.kind": "bracelet", "item.price": "", "holder.name": "Ada", "show_offers": "1"}
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "Enter the price to see the offers." in page
    assert "error-summary" not in page and 'aria-invalid="true"' not in page
    assert 'value="Ada"' in page and '<option value="bracelet" selected>' in page
    assert row_counts() == counts


def test_without_javascript_a_wrong_price_is_shown_beside_its_field(client, presets, people):
    client.force_login(people.associate_a1)
    counts = row_counts()

    response = client.post(
        SELL,
        {"item.kind": "ring", "item.price": "12.345", "holder.name": "Ada", "show_offers": "1"},
    )

    page = text_of(response)
    assert response.status_code == 422
    assert 'id="f-item-price-error"' in page and 'href="#f-item-price"' in page
    price_input = re.search(r'<input type="text" id="f-item-price"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in price_input and 'value="12.345"' in price_input
    assert 'id="f-item-kind-error"' not in page  # the kind given is right
    assert "to see the offers" not in page and 'type="radio"' not in page
    assert row_counts() == counts

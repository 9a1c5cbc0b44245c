"""Selling a plan at the counter: offers as the item is typed, the sale through the real
service, the certificate emailed after commit, and a double submission refused with the
plan already registered. Bad input names its field and writes nothing."""

import pytest
from django.core import mail
from factories import row_counts
from jeweler_support import text_of

from gemcare.api.models import Quote
from gemcare.common.clock import today
from gemcare.contracts.models import Contract

OFFERS = "/jeweler/sell/offers"
SELL = "/jeweler/sell"


def _sale(**changes) -> dict:
    form = {
        "item.kind": "ring",
        "item.price": "1200.00",
        "item.description": "Gold ring",
        "item.serial": "SKU-1",
        "item.water_resistant": "false",
        "item.gift": "false",
        "product": "ljpp-lifetime",
        "holder.name": "Ada Holder",
        "holder.state": "OK",
        "holder.email": "ada@example.com",
        "holder.phone": "",
        "holder.address": "",
        "receipt_number": "R-500",
        "receipt_line": "1",
        "purchased": today().isoformat(),
        "pending_pickup": "false",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def test_the_page_has_the_form_with_todays_date_and_no_store_picker_for_an_associate(
    client, presets, people
):
    client.force_login(people.associate_a1)

    page = text_of(client.get(SELL))

    assert page.count("<h1>") == 1 and "<title>Sell a plan" in page
    assert f'name="purchased" value="{today().isoformat()}"' in page
    assert 'name="store"' not in page and people.store_a1.name in page
    assert 'hx-get="/jeweler/sell/offers"' in page and "csrfmiddlewaretoken" in page
    assert 'name="show_offers"' in page  # the offers without JavaScript


def test_a_manager_picks_the_store_among_their_own(client, presets, people):
    client.force_login(people.manager_a)

    page = text_of(client.get(SELL))

    assert f'value="{people.store_a1.code}"' in page and f'value="{people.store_a2.code}"' in page
    assert f'value="{people.store_b1.code}"' not in page


def test_the_offers_appear_as_the_item_is_typed_and_nothing_is_kept(client, presets, people):
    client.force_login(people.associate_a1)
    quotes = Quote.objects.count()

    response = client.get(
        OFFERS,
        {"item.kind": "ring", "item.price": "1200", "product": "ljpp-lifetime"},
        headers={"HX-Request": "true"},
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "$179.00" in page and "$149.00" in page and "$99.00" in page
    assert 'value="ljpp-lifetime" checked' in page
    assert "Care Plan, watch" in page and "not offered" in page  # a watch plan, for a ring
    assert Quote.objects.count() == quotes and "<html" not in page


@pytest.mark.parametrize(
    ("price", "words"),
    [("25000.00", "offer jewelry insurance"), ("10.00", "cannot be protected")],
)
def test_an_item_outside_every_band_says_why(client, presets, people, price, words):
    client.force_login(people.associate_a1)

    page = text_of(client.get(OFFERS, {"item.kind": "ring", "item.price": price}))

    assert words in page and 'type="radio"' not in page  # no plan is offered at all


@pytest.mark.parametrize("price", ["12.345", "-5", "abc", "1.2.3", "9" * 40])
def test_a_price_that_is_not_an_amount_says_so_beside_nothing_sold(client, presets, people, price):
    client.force_login(people.associate_a1)

    response = client.get(OFFERS, {"item.kind": "ring", "item.price": price})

    assert response.status_code == 422
    assert "price" in text_of(response) and 'type="radio"' not in text_of(response)


def test_without_javascript_the_button_shows_the_offers_and_sells_nothing(client, presets, people):
    client.force_login(people.associate_a1)
    counts = row_counts()

    response = client.post(SELL, {**_sale(product=None), "show_offers": "1"})

    assert response.status_code == 200
    assert "$179.00" in text_of(response) and 'value="Ada Holder"' in text_of(response)
    assert row_counts() == counts


def test_a_sale_registers_the_plan_and_emails_the_certificate_after_commit(
    client, presets, people, django_capture_on_commit_callbacks
):
    client.force_login(people.associate_a1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SELL, _sale())

    contract = Contract.objects.get(receipt_number="R-500")
    assert response.status_code == 302
    assert response["Location"] == f"/jeweler/plans/{contract.number}"
    assert contract.store == people.store_a1 and contract.plan_price == 179
    assert contract.holder.name == "Ada Holder" and contract.item_serial == "SKU-1"
    assert contract.is_test is False and contract.status == "active"
    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"] and contract.number in sent.subject
    ((name, pdf, kind),) = sent.attachments
    assert name == f"certificate-{contract.number}.pdf" and kind == "application/pdf"
    assert pdf.startswith(b"%PDF")
    page = text_of(client.get(response["Location"]))
    assert "emailed to ada@example.com" in page and "Print certificate" in page


def test_a_holder_without_email_gives_a_phone_and_gets_no_email(
    client, presets, people, django_capture_on_commit_callbacks
):
    client.force_login(people.associate_a1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SELL, _sale(**{"holder.email": "", "holder.phone": "555-0100"}))

    assert response.status_code == 302
    assert mail.outbox == []
    assert "print the certificate" in text_of(client.get(response["Location"]))


def test_a_holder_with_no_way_to_reach_them_is_refused_by_the_field(client, presets, people):
    client.force_login(people.associate_a1)
    counts = row_counts()

    response = client.post(SELL, _sale(**{"holder.email": ""}))

    page = text_of(response)
    assert response.status_code == 422
    assert 'id="f-holder-address" name="holder.address"' in page and 'aria-invalid="true"' in page
    assert "give an email, a phone number or a postal address" in page
    assert 'value="Ada Holder"' in page  # what was typed stays
    assert row_counts() == counts


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"item.price": "12.345"}, "item.price"),
        ({"item.price": "0"}, "item.price"),
        ({"item.kind": "tiara"}, "item.kind"),
        ({"holder.state": "ZZ"}, "holder.state"),
        ({"holder.email": "not-an-email"}, "holder.email"),
        ({"holder.name": ""}, "holder.name"),
        ({"receipt_number": ""}, "receipt_number"),
        ({"receipt_line": "1000"}, "receipt_line"),
        ({"receipt_line": "x"}, "receipt_line"),
        ({"receipt_line": "0"}, "receipt_line"),
        ({"receipt_number": "R" * 65}, "receipt_number"),
        ({"holder.name": "Ada\x00"}, "holder.name"),
        ({"purchased": "2999-01-01"}, "purchased"),
        ({"purchased": "1900-01-01"}, "purchased"),
        ({"purchased": "yesterday"}, "purchased"),
        ({"product": None}, "product"),
        ({"product": "x" * 500}, "product"),
        ({"gift_recipient.name": "Ben", "gift_recipient.state": "OK"}, "gift_recipient"),
        ({"holder.ssn": "123-45-678"}, "holder.ssn"),
        ({"item.sold": "2000-01-01", "product": "care-jewelry-3yr"}, "item.sold"),
    ],
)
def test_bad_input_names_its_field_and_sells_nothing(client, presets, people, changes, field):
    client.force_login(people.associate_a1)
    counts = row_counts()

    response = client.post(SELL, _sale(**changes))

    page = text_of(response)
    assert response.status_code == 422, page[:2000]
    assert field.replace(".", "-").replace("_", "-") in page
    assert "123-45-678" not in page  # a sensitive value is never shown back
    assert row_counts() == counts


def test_a_double_submission_is_refused_with_the_plan_already_registered(
    client, presets, people, django_capture_on_commit_callbacks
):
    client.force_login(people.associate_a1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SELL, _sale())
    counts = row_counts()

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(SELL, _sale())

    first = Contract.objects.get(receipt_number="R-500")
    page = text_of(again)
    assert again.status_code == 409
    assert "duplicate_sale" in page and f'href="/jeweler/plans/{first.number}"' in page
    assert row_counts() == counts
    assert len(mail.outbox) == 1  # the first sale's confirmation only


def test_an_item_above_every_band_is_refused_in_words(client, presets, people):
    client.force_login(people.associate_a1)
    counts = row_counts()

    response = client.post(SELL, _sale(**{"item.price": "30000.00"}))

    assert response.status_code == 409
    assert "price_above_bands" in text_of(response) and "jewelry insurance" in text_of(response)
    assert row_counts() == counts


def test_a_manager_with_several_stores_must_pick_one(client, presets, people):
    client.force_login(people.manager_a)
    counts = row_counts()

    refused = client.post(SELL, _sale())
    sold = client.post(SELL, _sale(store=people.store_a2.code))

    assert refused.status_code == 422 and 'id="f-store"' in text_of(refused)
    assert sold.status_code == 302
    assert Contract.objects.get(receipt_number="R-500").store == people.store_a2
    assert row_counts()["Contract"] == counts["Contract"] + 1


@pytest.mark.parametrize(
    ("who", "store"), [("manager_a", "store_b1"), ("associate_a1", "store_a2")]
)
def test_another_retailers_or_stores_store_is_not_found(client, presets, people, who, store):
    client.force_login(getattr(people, who))
    counts = row_counts()

    response = client.post(SELL, _sale(store=getattr(people, store).code))

    assert response.status_code == 404
    assert row_counts() == counts


def test_a_layaway_waits_for_pickup_and_a_gift_goes_to_its_recipient(client, presets, people):
    client.force_login(people.associate_a1)

    client.post(SELL, _sale(pending_pickup="true"))
    client.post(
        SELL,
        _sale(
            receipt_number="R-501",
            **{
                "item.gift": "true",
                "gift_recipient.name": "Ben Recipient",
                "gift_recipient.state": "TX",
                "gift_recipient.phone": "555-0101",
            },
        ),
    )

    assert Contract.objects.get(receipt_number="R-500").status == "pending_pickup"
    gift = Contract.objects.get(receipt_number="R-501")
    assert gift.holder.name == "Ben Recipient" and gift.item_is_gift
    assert [period.reason for period in gift.holders.all()] == ["sale", "gift_recipient"]


def test_a_gifts_recipient_must_be_reachable_too(client, presets, people):
    client.force_login(people.associate_a1)
    counts = row_counts()

    response = client.post(
        SELL,
        _sale(**{"item.gift": "true", "gift_recipient.name": "Ben", "gift_recipient.state": "TX"}),
    )

    assert response.status_code == 422 and 'id="f-gift-recipient-address"' in text_of(response)
    assert row_counts() == counts


def test_logged_out_the_page_and_its_offers_go_to_the_sign_in(client, presets, people):
    counts = row_counts()

    for response in (client.get(SELL), client.post(SELL, _sale()), client.get(OFFERS)):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert row_counts() == counts


def test_a_sale_without_the_csrf_token_is_refused_and_sells_nothing(presets, people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people.associate_a1)
    counts = row_counts()

    response = client.post(SELL, _sale())

    assert response.status_code == 403 and row_counts() == counts


def test_the_confirmation_escapes_what_was_typed_in_its_html_part_only(
    client, presets, people, django_capture_on_commit_callbacks
):
    client.force_login(people.associate_a1)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(SELL, _sale(**{"holder.name": "Ada <b>Holder</b> & Co"}))

    (sent,) = mail.outbox
    ((html, kind),) = sent.alternatives
    assert kind == "text/html"
    assert "Hello Ada <b>Holder</b> & Co," in sent.body
    assert "Ada &lt;b&gt;Holder&lt;/b&gt; &amp; Co" in html and "<b>Holder" not in html
    assert "$179.00" in sent.body and "Covered through: the lifetime of the holder" in sent.body

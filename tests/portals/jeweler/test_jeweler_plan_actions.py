"""The counter's actions on a plan: return, cancel (the refund shown, then confirmed),
transfer and pickup, each through its service. The holder is emailed the refund after a
return or a cancellation. A refusal says why and changes nothing; so does the wrong
retailer's or store's staff."""

import datetime as dt

import pytest
from django.core import mail
from factories import SYSTEM, file_claim, holder_data, row_counts, sale_in, snapshot
from jeweler_support import sold, text_of

from gemcare.common.clock import today
from gemcare.contracts.models import Contract
from gemcare.contracts.services import contract_sell


def _url(contract, action):
    return f"/jeweler/plans/{contract.number}/{action}"


def _fresh(contract):
    return Contract.objects.get(pk=contract.pk)


def test_a_return_in_the_free_look_voids_the_plan_and_emails_the_refund(
    client, presets, people, django_capture_on_commit_callbacks
):
    contract = sold(people.store_a1, days_ago=3)
    client.force_login(people.associate_a1)

    shown = client.get(_url(contract, "return"))
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(_url(contract, "return"), {"date": today().isoformat()}, follow=True)

    assert shown.status_code == 200 and "$99.00" in text_of(shown)
    assert text_of(shown).count("<h1>") == 1
    assert done.redirect_chain == [(f"/jeweler/plans/{contract.number}", 302)]
    assert _fresh(contract).status == "voided"
    assert "a refund of $99.00 is due by" in text_of(done)
    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"] and "$99.00" in sent.body
    due = (today() + dt.timedelta(days=30)).isoformat()
    assert due in sent.body and "10% of it is added" in sent.body


def test_a_return_outside_the_free_look_is_refused_and_changes_nothing(
    client, presets, people, django_capture_on_commit_callbacks
):
    contract = sold(people.store_a1, days_ago=45)
    client.force_login(people.associate_a1)
    before, counts = snapshot(contract), row_counts()

    shown = client.get(_url(contract, "return"))
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(_url(contract, "return"), {"date": today().isoformat()})

    assert "a return is refused" in text_of(shown)
    assert refused.status_code == 409 and "free_look_over" in text_of(refused)
    assert "Nothing was changed" in text_of(refused)
    assert snapshot(contract) == before and row_counts() == counts
    assert mail.outbox == []


def test_a_cancellation_shows_the_refund_first_then_cancels_on_confirmation(
    client, presets, people, django_capture_on_commit_callbacks
):
    contract = sold(people.store_a2, "ljpp-lifetime", days_ago=100)
    client.force_login(people.associate_a2)
    on = today().isoformat()
    counts = row_counts()

    asked = client.get(_url(contract, "cancel"))
    confirm = client.get(_url(contract, "cancel"), {"date": on, "reason": ""})
    assert row_counts() == counts  # showing the refund writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(_url(contract, "cancel"), {"date": on}, follow=True)

    assert 'name="date"' in text_of(asked) and "Show the refund" in text_of(asked)
    page = text_of(confirm)
    assert "Confirm the cancellation" in page and "OK refunds 90%" in page
    assert f'<input type="hidden" name="date" value="{on}">' in page
    fresh = _fresh(contract)
    assert fresh.status == "cancelled" and fresh.cancellation.by == "holder"
    assert f"refund of ${fresh.cancellation.refund:,.2f}" in text_of(done)
    (sent,) = mail.outbox
    assert f"{fresh.cancellation.refund:.2f}" in sent.subject and "cancelled" in sent.body


def test_a_duplicate_warranty_is_refunded_in_full(client, presets, people):
    contract = sold(people.store_a2, "ljpp-lifetime", days_ago=100)
    client.force_login(people.manager_a)

    confirm = client.get(
        _url(contract, "cancel"), {"date": today().isoformat(), "reason": "duplicate_warranty"}
    )
    client.post(
        _url(contract, "cancel"), {"date": today().isoformat(), "reason": "duplicate_warranty"}
    )

    assert 'name="reason" value="duplicate_warranty"' in text_of(confirm)
    cancellation = _fresh(contract).cancellation
    assert cancellation.refund == 179 and cancellation.reason == "duplicate_warranty"


def test_a_cancellation_while_a_claim_awaits_review_is_refused(client, presets, people):
    contract = sold(people.store_a1, "care-jewelry-lifetime", days_ago=90, price="5000.00")
    file_claim(contract, ("shank_repair", "1700.00"), filed=today(), incident=today())
    client.force_login(people.associate_a1)
    before, counts = snapshot(contract), row_counts()

    page = text_of(client.get(f"/jeweler/plans/{contract.number}"))
    refused = client.post(_url(contract, "cancel"), {"date": today().isoformat()})

    assert f'/jeweler/plans/{contract.number}/cancel"' not in page
    assert refused.status_code == 409 and "claim_in_review" in text_of(refused)
    assert snapshot(contract) == before and row_counts() == counts


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"date": "3000-01-01"}, "date"),
        ({"date": ""}, "date"),
        ({"date": "nope"}, "date"),
        ({"date": "2024-01-01", "reason": "fraud"}, "reason"),
        ({"date": "2024-01-01", "by": "provider"}, "by"),
    ],
)
def test_bad_input_to_a_cancellation_names_its_field(client, presets, people, values, field):
    contract = sold(people.store_a1)
    client.force_login(people.associate_a1)
    before, counts = snapshot(contract), row_counts()

    response = client.post(_url(contract, "cancel"), values)

    assert response.status_code == 422 and field in text_of(response)
    assert snapshot(contract) == before and row_counts() == counts


def test_a_transfer_hands_the_plan_to_a_reachable_new_holder(client, presets, people):
    contract = sold(people.store_a1, days_ago=5)
    client.force_login(people.associate_a1)
    values = {
        "date": today().isoformat(),
        "holder.name": "Ben Newholder",
        "holder.state": "TX",
        "holder.email": "",
        "holder.phone": "",
        "holder.address": "",
    }
    counts = row_counts()

    refused = client.post(_url(contract, "transfer"), values)
    assert refused.status_code == 422 and 'id="f-holder-address"' in text_of(refused)
    assert row_counts() == counts
    done = client.post(
        _url(contract, "transfer"), {**values, "holder.phone": "555-0102"}, follow=True
    )

    fresh = _fresh(contract)
    assert fresh.holder.name == "Ben Newholder" and fresh.holder.phone == "555-0102"
    assert "now belongs to Ben Newholder" in text_of(done)
    assert [period.reason for period in fresh.holders.all()] == ["sale", "transfer"]


def test_an_ljpp_plan_not_sold_as_a_gift_does_not_transfer(client, presets, people):
    contract = sold(people.store_a1, "ljpp-lifetime")
    client.force_login(people.manager_a)
    before, counts = snapshot(contract), row_counts()

    response = client.post(
        _url(contract, "transfer"),
        {
            "date": today().isoformat(),
            "holder.name": "Ben",
            "holder.state": "OK",
            "holder.phone": "5",
        },
    )

    assert response.status_code == 409 and "not_transferable" in text_of(response)
    assert "The rules do not allow this" in text_of(client.get(_url(contract, "transfer")))
    assert snapshot(contract) == before and row_counts() == counts


def test_a_layaway_is_picked_up_once(client, presets, people):
    sale = sale_in("care-jewelry-3yr", purchased=today() - dt.timedelta(days=7))
    contract = contract_sell(
        caller=SYSTEM, store=people.store_a1, sale=sale.model_copy(update={"pending_pickup": True})
    )
    client.force_login(people.associate_a1)

    page = text_of(client.get(f"/jeweler/plans/{contract.number}"))
    done = client.post(_url(contract, "pickup"), {"date": today().isoformat()})
    counts = row_counts()
    again = client.post(_url(contract, "pickup"), {"date": today().isoformat()})

    assert f'href="/jeweler/plans/{contract.number}/pickup"' in page
    assert "coverage starts when the item is picked up" in page
    assert done.status_code == 302
    fresh = _fresh(contract)
    assert fresh.status == "active" and fresh.purchased_on == today()
    assert again.status_code == 409 and "not_pending_pickup" in text_of(again)
    assert row_counts() == counts


def test_a_holder_without_email_gets_no_refund_notice(
    client, presets, people, django_capture_on_commit_callbacks
):
    contract = sold(people.store_a1, holder=holder_data(email="", phone="555-0100"))
    client.force_login(people.associate_a1)

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(_url(contract, "return"), {"date": today().isoformat()}, follow=True)

    assert _fresh(contract).status == "voided" and mail.outbox == []
    assert "emailed" not in text_of(done).split("refund of")[1].split("</p>")[0]


@pytest.mark.parametrize("who", ["manager_b", "associate_a2"])
@pytest.mark.parametrize(
    ("action", "values"),
    [
        ("return", {}),
        ("cancel", {}),
        ("pickup", {}),
        ("transfer", {"holder.name": "Eve", "holder.state": "OK", "holder.phone": "1234"}),
    ],
)
def test_the_wrong_retailer_or_store_changes_nothing(
    client, presets, people, who, action, values, django_capture_on_commit_callbacks
):
    contract = sold(people.store_a1)
    client.force_login(getattr(people, who))
    before, counts = snapshot(contract), row_counts()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(contract, action), {"date": today().isoformat(), **values})

    assert response.status_code == 404
    assert snapshot(contract) == before and row_counts() == counts and mail.outbox == []


def test_logged_out_an_action_goes_to_the_sign_in_and_changes_nothing(client, presets, people):
    contract = sold(people.store_a1)
    before = snapshot(contract)

    response = client.post(_url(contract, "return"), {"date": today().isoformat()})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert snapshot(contract) == before

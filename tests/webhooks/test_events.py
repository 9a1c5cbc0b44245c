"""The platform's services emit their events into the outbox, in their own transaction:
small payloads with numbers, statuses, amounts as strings and ISO dates, nothing personal."""

import json

import pytest
from django.db import transaction
from factories import (
    cancel,
    file_claim,
    fulfil,
    holder_data,
    pay_refund,
    review,
    sell,
    store_make,
)
from webhook_factories import endpoint_make, webhook_counts

from gemcare.webhooks.models import DELIVERED, WebhookDelivery

pytestmark = pytest.mark.django_db

HOLDER = holder_data(
    name="Ada Holder",
    ssn="123-45-6789",
    date_of_birth="1980-02-03",
    bank_account="000123456789",
    phone="405-555-0100",
)
PERSONAL = ("Ada", "123-45-6789", "6789", "1980-02-03", "000123456789", "ada@example.com", "555")


def events_of(retailer) -> list[tuple[str, dict]]:
    return [
        (delivery.event, delivery.payload["data"])
        for delivery in WebhookDelivery.objects.filter(retailer=retailer).order_by("id")
    ]


def test_every_service_emits_its_event(presets, receiver, django_capture_on_commit_callbacks):
    endpoint, _ = endpoint_make(receiver)
    store = store_make(retailer=endpoint.retailer, state="TX")
    with django_capture_on_commit_callbacks(execute=True):
        contract = sell("care-jewelry-lifetime", state="TX", price="5000.00", store=store)
        small = file_claim(contract, ("prong_repair", "85.00"), cause="accidental_damage")
        fulfil(small, actual_cost="70.00", completed="2024-06-20")
        big = file_claim(
            contract,
            ("stone_replacement", "1800.00"),
            cause="accidental_damage",
            filed="2024-07-10",
            incident="2024-07-01",
        )
        review(big, approved="1500.00")
        other = sell("ljpp-lifetime", store=store, holder=HOLDER)
        cancellation = cancel(other, date="2024-09-01", by="holder")
        pay_refund(cancellation, "2024-09-05")

    events = events_of(endpoint.retailer)
    assert [event for event, _ in events] == [
        "contract.created",
        "claim.decided",
        "claim.completed",
        "claim.decided",
        "claim.decided",
        "contract.created",
        "contract.cancelled",
        "refund.paid",
    ]
    created, decided, completed, waiting, reviewed, _, cancelled, paid = (d for _, d in events)
    assert created == {
        "contract": contract.number,
        "status": "active",
        "receipt_number": contract.receipt_number,
        "plan_price": f"{contract.plan_price:.2f}",
        "item_kind": "ring",
        "item_price": "5000.00",
        "purchased_on": "2024-03-01",
        "term_ends_on": None,
    }
    assert decided["claim"] == small.number
    assert (decided["status"], decided["approved"], decided["needs_review"]) == (
        "approved",
        "85.00",
        False,
    )
    assert completed["claim"] == small.number
    assert (completed["status"], completed["completed_on"]) == ("fulfilled", "2024-06-20")
    assert (completed["actual_cost"], completed["reimbursed"]) == ("70.00", "70.00")
    assert completed["invoice_number"] == ""  # the services' callers may leave it out
    assert (waiting["status"], waiting["needs_review"]) == ("awaiting_review", True)
    assert (reviewed["claim"], reviewed["status"], reviewed["approved"]) == (
        big.number,
        "approved",
        "1500.00",
    )
    assert reviewed["needs_review"] is False
    assert cancelled["contract"] == other.number
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelled_on"] == "2024-09-01"
    assert cancelled["refund"] == f"{cancellation.refund:.2f}"
    assert paid["contract"] == other.number
    assert paid["paid_on"] == "2024-09-05"
    assert paid["total"] == f"{cancellation.refund:.2f}"

    # Nothing personal in any payload, and every one was delivered, signed and verified.
    text = json.dumps([data for _, data in events])
    for value in PERSONAL:
        assert value not in text
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DELIVERED}
    assert len(receiver.received) == len(events)
    assert all(not isinstance(request.verified, Exception) for request in receiver.received)


def test_a_change_that_rolls_back_sends_nothing(
    presets, receiver, django_capture_on_commit_callbacks
):
    endpoint, _ = endpoint_make(receiver)
    store = store_make(retailer=endpoint.retailer)
    before = webhook_counts()

    class Abandoned(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abandoned),
        transaction.atomic(),
    ):
        sell(store=store)
        assert WebhookDelivery.objects.count() == 1  # written with the sale...
        raise Abandoned
    assert callbacks == []  # ...and gone with it: nothing is queued
    assert webhook_counts() == before
    assert receiver.received == []


def test_a_retailer_without_endpoints_costs_one_query(presets, django_assert_num_queries):
    contract = sell()
    from gemcare.webhooks.services import webhook_contract_emit

    with django_assert_num_queries(1):
        assert webhook_contract_emit("contract.created", contract) == []

"""Endpoints and the delivery log, on behalf of a caller: a retailer sees and changes only
its own, test keys only test ones; refused calls change nothing."""

import pytest
from django.db import connection, transaction
from factories import retailer_make, store_make
from webhook_factories import endpoint_make, webhook_counts

from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.webhooks.errors import WebhookError
from gemcare.webhooks.models import WebhookDelivery, WebhookEndpoint
from gemcare.webhooks.schemas import EndpointIn
from gemcare.webhooks.selectors import (
    deliveries_list,
    delivery_get,
    endpoint_get,
    endpoints_list,
)
from gemcare.webhooks.services import (
    delivery_replay,
    endpoint_create,
    endpoint_disable,
    webhook_emit,
)

pytestmark = pytest.mark.django_db


def test_the_secret_is_shown_once_and_stored_encrypted(receiver):
    endpoint, _ = endpoint_make(receiver, events=["claim.decided", "claim.decided"])
    assert receiver.secret.startswith("whsec_")
    assert endpoint.events == ["claim.decided"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_webhookendpoint WHERE id = %s", [endpoint.pk])
        (stored,) = cursor.fetchone()
    assert receiver.secret not in stored
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == receiver.secret
    entry = AuditEntry.objects.get(action="webhook_endpoint_created")
    assert entry.retailer_id == endpoint.retailer_id
    assert entry.actor_label == "api_key:1"
    assert receiver.secret not in str(entry.data)
    assert entry.data == {"host": "127.0.0.1", "events": ["claim.decided"], "test": False}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"url": "ftp://example.com/x", "events": ["claim.decided"]}, "url"),
        ({"url": "https://user:pw@example.com/x", "events": ["claim.decided"]}, "url"),
        ({"url": "https://example.com/" + "x" * 500, "events": ["claim.decided"]}, "url"),
        ({"url": "https://example.com/x", "events": ["order.created"]}, "events[0]"),
        ({"url": "https://example.com/x", "events": []}, "events"),
        ({"url": "https://example.com/x", "events": ["claim.decided"], "secret": "x"}, "secret"),
    ],
)
def test_bad_endpoint_input_names_the_field(data, field):
    with pytest.raises(InvalidInput) as refused:
        validate_input(EndpointIn, data)
    assert refused.value.field == field


def test_plain_http_is_refused_unless_allowed(settings):
    settings.GEMCARE_WEBHOOKS_ALLOW_HTTP = False
    caller = Caller.retailer(retailer_make())
    before = webhook_counts()
    with pytest.raises(InvalidInput) as refused:
        endpoint_create(
            caller=caller,
            endpoint=validate_input(
                EndpointIn, {"url": "http://example.com/x", "events": ["refund.paid"]}
            ),
        )
    assert refused.value.code == WebhookError.URL_NOT_ALLOWED
    assert webhook_counts() == before


def test_a_store_limited_caller_does_not_manage_endpoints(receiver):
    endpoint, _ = endpoint_make(receiver)
    store = store_make(retailer=endpoint.retailer)
    caller = Caller.retailer(endpoint.retailer, store=store)
    before = webhook_counts()
    with pytest.raises(Refused) as refused:
        endpoint_create(
            caller=caller,
            endpoint=validate_input(
                EndpointIn, {"url": "https://example.com/x", "events": ["refund.paid"]}
            ),
        )
    assert refused.value.code == WebhookError.NOT_ALLOWED
    assert list(endpoints_list(caller=caller)) == []
    assert deliveries_list(caller=caller) == []
    assert webhook_counts() == before


def test_the_wrong_retailer_gets_not_found_and_changes_nothing(
    receiver, django_capture_on_commit_callbacks
):
    endpoint, owner = endpoint_make(receiver)
    with transaction.atomic():
        (delivery,) = webhook_emit(
            retailer_id=endpoint.retailer_id, event="refund.paid", payload={"total": "1.00"}
        )
    other = Caller.retailer(retailer_make(name="Other Jewelers"))
    before = webhook_counts()
    rows = (
        {"endpoint": list(WebhookEndpoint.objects.values())},
        {"delivery": list(WebhookDelivery.objects.values())},
    )

    with pytest.raises(NotFound) as missing:
        endpoint_get(caller=other, endpoint_id=endpoint.pk)
    with pytest.raises(NotFound) as unknown:
        endpoint_get(caller=other, endpoint_id=endpoint.pk + 1000)
    # "Not yours" answers exactly as "does not exist".
    assert missing.value.code == unknown.value.code == "webhook_endpoint_not_found"
    with pytest.raises(NotFound):
        endpoint_disable(caller=other, endpoint_id=endpoint.pk)
    with pytest.raises(NotFound):
        delivery_get(caller=other, webhook_id=delivery.webhook_id)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotFound):
        delivery_replay(caller=other, webhook_id=delivery.webhook_id)
    assert list(endpoints_list(caller=other)) == []
    assert deliveries_list(caller=other) == []

    assert webhook_counts() == before
    assert rows == (
        {"endpoint": list(WebhookEndpoint.objects.values())},
        {"delivery": list(WebhookDelivery.objects.values())},
    )
    assert receiver.received == []
    # The owner sees both, and the provider too.
    assert endpoint_get(caller=owner, endpoint_id=endpoint.pk) == endpoint
    assert [d.pk for d in deliveries_list(caller=owner)] == [delivery.pk]
    assert [d.pk for d in deliveries_list(caller=Caller.system("tests"))] == [delivery.pk]


def test_test_mode_events_go_only_to_test_endpoints(receiver):
    retailer = retailer_make()
    live, caller = endpoint_make(receiver, retailer=retailer)
    test, _ = endpoint_make(receiver, retailer=retailer, is_test=True)
    with transaction.atomic():
        (test_delivery,) = webhook_emit(
            retailer_id=retailer.pk, event="claim.decided", payload={}, is_test=True
        )
        (live_delivery,) = webhook_emit(retailer_id=retailer.pk, event="claim.decided", payload={})
    assert test_delivery.endpoint_id == test.pk
    assert live_delivery.endpoint_id == live.pk
    # Live keys see live deliveries only, test keys test ones.
    assert [d.pk for d in deliveries_list(caller=caller, is_test=False)] == [live_delivery.pk]
    assert [d.pk for d in deliveries_list(caller=caller, is_test=True)] == [test_delivery.pk]
    with pytest.raises(NotFound):
        delivery_get(caller=caller, webhook_id=test_delivery.webhook_id, is_test=False)
    with pytest.raises(NotFound):
        endpoint_get(caller=caller, endpoint_id=live.pk, is_test=True)
    assert [e.pk for e in endpoints_list(caller=caller, is_test=True)] == [test.pk]


def test_only_subscribed_active_endpoints_get_a_delivery(receiver):
    retailer = retailer_make()
    claims_only, caller = endpoint_make(receiver, retailer=retailer, events=["claim.decided"])
    everything, _ = endpoint_make(receiver, retailer=retailer)
    disabled, _ = endpoint_make(receiver, retailer=retailer)
    endpoint_disable(caller=caller, endpoint_id=disabled.pk)
    endpoint_make(receiver)  # another retailer's
    with transaction.atomic():
        decided = webhook_emit(retailer_id=retailer.pk, event="claim.decided", payload={})
        paid = webhook_emit(retailer_id=retailer.pk, event="refund.paid", payload={})
    assert sorted(d.endpoint_id for d in decided) == [claims_only.pk, everything.pk]
    assert [d.endpoint_id for d in paid] == [everything.pk]
    with pytest.raises(ValueError, match="not a webhook event"):
        webhook_emit(retailer_id=retailer.pk, event="claim.lost", payload={})


def test_deliveries_are_listed_newest_first_with_their_attempts(
    receiver, django_capture_on_commit_callbacks
):
    endpoint, caller = endpoint_make(receiver)
    with django_capture_on_commit_callbacks(execute=True):
        ids = []
        for _ in range(3):
            with transaction.atomic():
                (made,) = webhook_emit(
                    retailer_id=endpoint.retailer_id, event="refund.paid", payload={}
                )
            ids.append(made.pk)
    listed = deliveries_list(caller=caller)
    assert [d.pk for d in listed] == ids[::-1]
    assert [len(d.attempt_log.all()) for d in listed] == [1, 1, 1]
    assert [d.pk for d in deliveries_list(caller=caller, before_id=ids[2], limit=1)] == [ids[1]]

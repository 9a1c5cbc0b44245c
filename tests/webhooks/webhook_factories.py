"""Endpoints and deliveries for the webhook tests, made through the real services."""

from factories import retailer_make

from gemcare.common.callers import Caller
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.webhooks.models import EVENTS, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from gemcare.webhooks.schemas import EndpointIn
from gemcare.webhooks.services import endpoint_create


def endpoint_make(receiver, *, retailer=None, events=EVENTS, is_test=False):
    """An endpoint of `retailer` (a new one by default) pointed at `receiver`, which learns
    its secret; returns (endpoint, retailer caller)."""
    retailer = retailer or retailer_make()
    caller = Caller.retailer(retailer, label="api_key:1")
    created = endpoint_create(
        caller=caller,
        endpoint=validate_input(EndpointIn, {"url": receiver.url, "events": list(events)}),
        is_test=is_test,
    )
    receiver.secret = created.secret
    return created.endpoint, caller


def webhook_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (WebhookEndpoint, WebhookDelivery, WebhookAttempt, AuditEntry)
    }

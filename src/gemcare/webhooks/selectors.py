"""Reading a retailer's webhook endpoints and deliveries, on behalf of a caller.

Endpoints belong to a retailer as a whole: a retailer caller sees its own, a store-limited
one sees none (payloads name the retailer's every store's contracts), the provider sees all.
"Not yours" answers exactly as "does not exist". Test-mode keys see only test endpoints and
their deliveries, live keys only live ones.
"""

from django.db.models import Prefetch, QuerySet

from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import NotFound
from gemcare.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

DELIVERIES_PAGE = 50


def _retailer_scope(caller: Caller) -> dict | None:
    caller_required(caller)
    if caller.is_provider:
        return {}
    if caller.is_retailer and caller.store_id is None:
        return {"retailer_id": caller.retailer_id}
    return None


def endpoints_list(*, caller: Caller, is_test: bool | None = None) -> QuerySet[WebhookEndpoint]:
    scope = _retailer_scope(caller)
    if scope is None:
        return WebhookEndpoint.objects.none()
    endpoints = WebhookEndpoint.objects.filter(**scope).order_by("-created_at", "-id")
    if is_test is not None:
        endpoints = endpoints.filter(is_test=is_test)
    return endpoints.defer("secret")


def endpoint_get(
    *, caller: Caller, endpoint_id: int, is_test: bool | None = None, for_update: bool = False
) -> WebhookEndpoint:
    scope = _retailer_scope(caller)
    if scope is None:
        raise NotFound("webhook_endpoint", endpoint_id)
    endpoints = WebhookEndpoint.objects.filter(pk=endpoint_id, **scope)
    if is_test is not None:
        endpoints = endpoints.filter(is_test=is_test)
    if for_update:
        endpoints = endpoints.select_for_update()
    endpoint = endpoints.first()
    if endpoint is None:
        raise NotFound("webhook_endpoint", endpoint_id)
    return endpoint


def deliveries_list(
    *,
    caller: Caller,
    is_test: bool | None = None,
    endpoint_id: int | None = None,
    before_id: int | None = None,
    limit: int = DELIVERIES_PAGE,
) -> list[WebhookDelivery]:
    """A retailer's deliveries, newest first, each with its attempts (`attempt_log`);
    `before_id` pages on from the last one of the previous page."""
    scope = _retailer_scope(caller)
    if scope is None:
        return []
    deliveries = WebhookDelivery.objects.filter(**scope)
    if is_test is not None:
        deliveries = deliveries.filter(endpoint__is_test=is_test)
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    if before_id is not None:
        deliveries = deliveries.filter(pk__lt=before_id)
    # Ids grow with time: ordering by id is newest first and a stable page order.
    return list(
        deliveries.order_by("-id").prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("at", "id"))
        )[:limit]
    )


def delivery_get(
    *, caller: Caller, webhook_id: str, is_test: bool | None = None, for_update: bool = False
) -> WebhookDelivery:
    scope = _retailer_scope(caller)
    if scope is None:
        raise NotFound("webhook_delivery", webhook_id)
    deliveries = WebhookDelivery.objects.filter(webhook_id=webhook_id, **scope)
    if is_test is not None:
        deliveries = deliveries.filter(endpoint__is_test=is_test)
    if for_update:
        deliveries = deliveries.select_for_update(of=("self",))
    delivery = deliveries.select_related("endpoint").first()
    if delivery is None:
        raise NotFound("webhook_delivery", webhook_id)
    return delivery

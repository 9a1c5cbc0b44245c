"""Reading a retailer's webhook endpoints and deliveries, on behalf of a caller.

Endpoints belong to a retailer as a whole: a retailer caller sees its own, a store-limited
one sees none (payloads name the retailer's every store's contracts), the provider sees all.
"Not yours" answers exactly as "does not exist". Test-mode keys see only test endpoints and
their deliveries, live keys only live ones.

The `*_page` readers are those of the partner API: they refuse a store-limited caller
outright (`webhooks_manager_check`) rather than show it an empty list, so a key limited to
a store learns why it sees nothing.
"""

import re

from django.db.models import Prefetch, QuerySet

from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import NotFound
from gemcare.webhooks.errors import WebhooksNotAllowed
from gemcare.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

DELIVERIES_PAGE = 50
# What `webhook_id_generate` makes; anything else is no delivery, and is not looked up.
_WEBHOOK_ID = re.compile(r"msg_[A-Za-z0-9_-]{1,36}")


def _retailer_scope(caller: Caller) -> dict | None:
    caller_required(caller)
    if caller.is_provider:
        return {}
    if caller.is_retailer and caller.store_id is None:
        return {"retailer_id": caller.retailer_id}
    return None


def webhooks_manager_check(caller: Caller) -> None:
    """Only the provider and a retailer as a whole manage webhooks; a store-limited caller
    (or a holder) is refused with `webhooks_not_allowed`."""
    if _retailer_scope(caller) is None:
        raise WebhooksNotAllowed


def endpoints_list(*, caller: Caller, is_test: bool | None = None) -> QuerySet[WebhookEndpoint]:
    scope = _retailer_scope(caller)
    if scope is None:
        return WebhookEndpoint.objects.none()
    endpoints = WebhookEndpoint.objects.filter(**scope).order_by("-created_at", "-id")
    if is_test is not None:
        endpoints = endpoints.filter(is_test=is_test)
    return endpoints.defer("secret")


def endpoints_page(
    *, caller: Caller, is_test: bool, before_id: int | None = None, limit: int
) -> tuple[list[WebhookEndpoint], int | None]:
    """A page of the caller's endpoints of one mode, newest first by id, and the id the
    next page starts below (None on the last page)."""
    webhooks_manager_check(caller)
    endpoints = endpoints_list(caller=caller, is_test=is_test)
    if before_id is not None:
        endpoints = endpoints.filter(pk__lt=before_id)
    rows = list(endpoints.order_by("-id")[: limit + 1])
    return rows[:limit], rows[limit - 1].pk if len(rows) > limit else None


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


def _with_attempts(deliveries: QuerySet[WebhookDelivery]) -> QuerySet[WebhookDelivery]:
    return deliveries.prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("at", "id"))
    )


def deliveries_list(
    *,
    caller: Caller,
    is_test: bool | None = None,
    endpoint_id: int | None = None,
    status: str | None = None,
    event: str | None = None,
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
    if status is not None:
        deliveries = deliveries.filter(status=status)
    if event is not None:
        deliveries = deliveries.filter(event=event)
    if before_id is not None:
        deliveries = deliveries.filter(pk__lt=before_id)
    # Ids grow with time: ordering by id is newest first and a stable page order.
    return list(_with_attempts(deliveries.order_by("-id"))[:limit])


def deliveries_page(
    *,
    caller: Caller,
    is_test: bool,
    endpoint_id: int | None = None,
    status: str | None = None,
    event: str | None = None,
    before_id: int | None = None,
    limit: int = DELIVERIES_PAGE,
) -> tuple[list[WebhookDelivery], int | None]:
    """A page of the caller's deliveries of one mode, filtered, newest first, and the id
    the next page starts below (None on the last page)."""
    webhooks_manager_check(caller)
    rows = deliveries_list(
        caller=caller,
        is_test=is_test,
        endpoint_id=endpoint_id,
        status=status,
        event=event,
        before_id=before_id,
        limit=limit + 1,
    )
    return rows[:limit], rows[limit - 1].pk if len(rows) > limit else None


def delivery_get(
    *,
    caller: Caller,
    webhook_id: str,
    is_test: bool | None = None,
    for_update: bool = False,
    with_attempts: bool = False,
) -> WebhookDelivery:
    scope = _retailer_scope(caller)
    if scope is None or not isinstance(webhook_id, str) or not _WEBHOOK_ID.fullmatch(webhook_id):
        raise NotFound("webhook_delivery", webhook_id)
    deliveries = WebhookDelivery.objects.filter(webhook_id=webhook_id, **scope)
    if is_test is not None:
        deliveries = deliveries.filter(endpoint__is_test=is_test)
    if for_update:
        deliveries = deliveries.select_for_update(of=("self",))
    if with_attempts:
        deliveries = _with_attempts(deliveries)
    delivery = deliveries.select_related("endpoint").first()
    if delivery is None:
        raise NotFound("webhook_delivery", webhook_id)
    return delivery


def delivery_detail(*, caller: Caller, webhook_id: str, is_test: bool) -> WebhookDelivery:
    """One delivery with its attempts, for a caller who manages webhooks."""
    webhooks_manager_check(caller)
    return delivery_get(caller=caller, webhook_id=webhook_id, is_test=is_test, with_attempts=True)

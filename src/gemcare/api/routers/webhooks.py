"""/api/v1/webhooks: a retailer's webhook endpoints, and the log of what was sent to them.

Every operation needs the `webhooks` scope and a key of the retailer as a whole: a key
limited to one store is refused with 403 `webhooks_not_allowed`, since an endpoint receives
the events of every store. A test key manages test endpoints and sees test deliveries only,
a live key live ones; another retailer's endpoint or delivery, or one of the other mode,
answers 404 exactly like one that does not exist.

An endpoint is switched off with `POST /endpoints/{id}/disable`, not `DELETE`: it is not
removed. It stays in the list (inactive), its deliveries and their attempts stay readable
(they are a ledger), and disabling twice is harmless; a DELETE would promise a removal that
never happens.
"""

from django.http import HttpRequest
from ninja import Query, Router, Status

from gemcare.api.auth import require_scope, scoped
from gemcare.api.schemas import documented
from gemcare.api.selectors import cursor_of, cursor_read
from gemcare.api.webhook_schemas import (
    ENDPOINT_EXAMPLE,
    DeliveriesPageOut,
    DeliveriesQuery,
    DeliveryOut,
    EndpointCreatedOut,
    EndpointId,
    EndpointOut,
    EndpointsPageOut,
    EndpointsQuery,
)
from gemcare.partners.models import ApiKey
from gemcare.webhooks.schemas import EndpointIn
from gemcare.webhooks.selectors import deliveries_page, delivery_detail, endpoints_page
from gemcare.webhooks.services import delivery_replay, endpoint_create, endpoint_disable

router = Router(tags=["webhooks"], auth=scoped(ApiKey.WEBHOOKS))

NOT_ALLOWED = {403: ["scope_missing", "webhooks_not_allowed"]}


def endpoint_out(endpoint) -> dict:
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
        "is_test": endpoint.is_test,
        "created_at": endpoint.created_at,
    }


def delivery_out(delivery) -> dict:
    return {
        "webhook_id": delivery.webhook_id,
        "endpoint": delivery.endpoint_id,
        "event": delivery.event,
        "status": delivery.status,
        "attempt_count": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "created_at": delivery.created_at,
        "payload": delivery.payload,
        "attempts": [
            {
                "at": attempt.at,
                "response_status": attempt.response_status,
                "response_ms": attempt.response_ms,
                "error": attempt.error or None,
            }
            for attempt in delivery.attempt_log.all()
        ],
    }


def _next_cursor(below: int | None) -> str | None:
    return None if below is None else cursor_of(below)


@router.post(
    "/endpoints",
    summary="Register a webhook endpoint",
    operation_id="webhooks_endpoints_create",
    **documented(
        {201: EndpointCreatedOut},
        {
            **NOT_ALLOWED,
            422: ["webhook_url_malformed", "webhook_url_not_allowed", "webhook_url_not_public"],
        },
        body=True,
        example=ENDPOINT_EXAMPLE,
    ),
)
def webhooks_endpoints_create(request: HttpRequest, endpoint: EndpointIn):
    """Register a URL to receive the events named (`contract.created`, `contract.cancelled`,
    `claim.decided`, `claim.completed`, `refund.paid`). The URL must be https and its host
    must resolve to public internet addresses only. The answer holds the signing secret
    (`whsec_…`), the only time it is shown: keep it to verify each request's signature. A
    test key's endpoint is a test endpoint: it receives only test-mode events."""
    auth = require_scope(request, ApiKey.WEBHOOKS)
    created = endpoint_create(caller=auth.caller, endpoint=endpoint, is_test=auth.is_test)
    return Status(201, {**endpoint_out(created.endpoint), "secret": created.secret})


@router.get(
    "/endpoints",
    summary="The retailer's webhook endpoints",
    operation_id="webhooks_endpoints_list",
    **documented({200: EndpointsPageOut}, {**NOT_ALLOWED, 422: ["invalid", "unknown_field"]}),
)
def webhooks_endpoints_list(request: HttpRequest, query: Query[EndpointsQuery]):
    """The endpoints of the key's retailer and mode, active and disabled, newest first,
    `limit` (at most 100) a page; pass `next_cursor` back as `cursor` for the next. The
    secret is never shown again."""
    auth = require_scope(request, ApiKey.WEBHOOKS)
    rows, below = endpoints_page(
        caller=auth.caller,
        is_test=auth.is_test,
        before_id=cursor_read(query.cursor),
        limit=query.limit,
    )
    return {"endpoints": [endpoint_out(row) for row in rows], "next_cursor": _next_cursor(below)}


@router.post(
    "/endpoints/{endpoint_id}/disable",
    summary="Disable a webhook endpoint",
    operation_id="webhooks_endpoints_disable",
    **documented(
        {200: EndpointOut},
        {**NOT_ALLOWED, 404: ["webhook_endpoint_not_found"], 422: ["invalid"]},
    ),
)
def webhooks_endpoints_disable(request: HttpRequest, endpoint_id: EndpointId):
    """Stop sending to the endpoint: nothing new is queued for it, and its pending
    deliveries fail when next due. The endpoint and its deliveries stay listed. Disabling a
    disabled endpoint changes nothing and answers the same."""
    auth = require_scope(request, ApiKey.WEBHOOKS)
    endpoint = endpoint_disable(caller=auth.caller, endpoint_id=endpoint_id, is_test=auth.is_test)
    return endpoint_out(endpoint)


@router.get(
    "/deliveries",
    summary="The log of webhook deliveries",
    operation_id="webhooks_deliveries_list",
    **documented({200: DeliveriesPageOut}, {**NOT_ALLOWED, 422: ["invalid", "unknown_field"]}),
)
def webhooks_deliveries_list(request: HttpRequest, query: Query[DeliveriesQuery]):
    """Every delivery to the retailer's endpoints of the key's mode, newest first, each with
    its attempts (time, your HTTP status, response time, error); filter by `endpoint` (id),
    `status` (pending, delivered, failed) and `event`. `limit` (at most 100) a page; pass
    `next_cursor` back as `cursor` for the next."""
    auth = require_scope(request, ApiKey.WEBHOOKS)
    rows, below = deliveries_page(
        caller=auth.caller,
        is_test=auth.is_test,
        endpoint_id=query.endpoint,
        status=query.status,
        event=query.event,
        before_id=cursor_read(query.cursor),
        limit=query.limit,
    )
    return {
        "deliveries": [delivery_out(row) for row in rows],
        "next_cursor": _next_cursor(below),
    }


@router.get(
    "/deliveries/{webhook_id}",
    summary="One webhook delivery",
    operation_id="webhooks_deliveries_get",
    **documented({200: DeliveryOut}, {**NOT_ALLOWED, 404: ["webhook_delivery_not_found"]}),
)
def webhooks_deliveries_get(request: HttpRequest, webhook_id: str):
    """A delivery by its `webhook-id` (`msg_…`), with the payload sent and every attempt."""
    auth = require_scope(request, ApiKey.WEBHOOKS)
    delivery = delivery_detail(caller=auth.caller, webhook_id=webhook_id, is_test=auth.is_test)
    return delivery_out(delivery)


@router.post(
    "/deliveries/{webhook_id}/replay",
    summary="Send a webhook delivery again",
    operation_id="webhooks_deliveries_replay",
    **documented(
        {202: DeliveryOut},
        {
            **NOT_ALLOWED,
            404: ["webhook_delivery_not_found"],
            409: ["webhook_endpoint_disabled", "webhook_delivery_in_flight"],
        },
    ),
)
def webhooks_deliveries_replay(request: HttpRequest, webhook_id: str):
    """Queue one more attempt now, under the same `webhook-id`, whatever became of the
    earlier ones (delivered, pending or failed); the answer shows the delivery as queued,
    and its log shows the new attempt once it is made. Refused (409) once the endpoint is
    disabled, and while an attempt is being sent (retry once it is in the log)."""
    auth = require_scope(request, ApiKey.WEBHOOKS)
    delivery_replay(caller=auth.caller, webhook_id=webhook_id, is_test=auth.is_test)
    delivery = delivery_detail(caller=auth.caller, webhook_id=webhook_id, is_test=auth.is_test)
    return Status(202, delivery_out(delivery))

"""Webhook endpoints, and the events the platform's services emit.

`webhook_emit` is the outbox: it writes one delivery per active endpoint of the retailer that
subscribed to the event, in the caller's transaction, and asks the worker to send them once
that transaction commits (gemcare.webhooks.tasks). A change that rolls back leaves no
delivery and sends nothing; a committed one is sent even if the queue loses the task.

The services of contracts and claims call the `webhook_*_emit` functions below, one line
each. Payloads are small and stable: numbers, statuses, amounts as strings, ISO dates, and
nothing personal (no holder, no SSN, no date of birth, no bank account): a receiver fetches
the rest through the API with its key.
"""

import datetime as dt
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gemcare.claims.models import AWAITING_REVIEW
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.statements import BoundRead, CompiledRead, column, table
from gemcare.partners.models import Retailer
from gemcare.webhooks.addresses import AddressRefused, url_addresses
from gemcare.webhooks.errors import WebhookError
from gemcare.webhooks.models import (
    CLAIM_COMPLETED,
    CLAIM_DECIDED,
    CONTRACT_CANCELLED,
    CONTRACT_CREATED,
    EVENTS,
    PENDING,
    REFUND_PAID,
    WebhookDelivery,
    WebhookEndpoint,
)
from gemcare.webhooks.schemas import EndpointIn
from gemcare.webhooks.selectors import delivery_get, endpoint_get, webhooks_manager_check
from gemcare.webhooks.signing import secret_generate, webhook_id_generate
from gemcare.webhooks.tasks import webhook_deliver_task

# --- emitting -------------------------------------------------------------------------------


class Subscriber(NamedTuple):
    """What the outbox needs of an endpoint: its id, retailer and mode."""

    pk: int
    retailer_id: int
    is_test: bool


def _subscribed_sql(connection) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(
        column(WebhookEndpoint, name, quote) for name in ("id", "retailer", "events", "is_test")
    )
    return (
        f"SELECT {columns} FROM {table(WebhookEndpoint, quote)} "
        f"WHERE {column(WebhookEndpoint, 'retailer', quote)} = %s "
        f"AND {column(WebhookEndpoint, 'is_active', quote)}"
    )


# Read on every sale and every decision: compiled once (gemcare.common.statements).
_ACTIVE_ENDPOINTS = CompiledRead(
    _subscribed_sql,
    [WebhookEndpoint._meta.get_field(name) for name in ("id", "retailer", "events", "is_test")],
)


def subscriptions_read(retailer_id: int) -> BoundRead:
    """The read of a retailer's endpoints that every event makes (for `reads_together`)."""
    return _ACTIVE_ENDPOINTS.bound([retailer_id], one=False)


def _subscribed(retailer_id: int, event: str) -> list[Subscriber]:
    if event not in EVENTS:
        raise ValueError(f"{event!r} is not a webhook event")
    # A retailer has a handful of endpoints: the subscription is read here, not in SQL (a
    # JSON containment lookup has no SQLite form).
    return [
        Subscriber(pk, retailer, is_test)
        for pk, retailer, events, is_test in _ACTIVE_ENDPOINTS.fetchall([retailer_id])
        if event in events
    ]


def _deliveries_write(
    endpoints: list[Subscriber], *, event: str, payload: dict, is_test: bool
) -> list[WebhookDelivery]:
    endpoints = [endpoint for endpoint in endpoints if endpoint.is_test == is_test]
    if not endpoints:
        return []
    now = timezone.now()
    body = {"type": event, "timestamp": now.isoformat(), "data": payload}
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint_id=endpoint.pk,
                retailer_id=endpoint.retailer_id,
                event=event,
                webhook_id=webhook_id_generate(),
                payload=body,
                status=PENDING,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
    )
    ids = [delivery.pk for delivery in deliveries]
    # After commit, and robust: the change is already committed, and a queue that refuses
    # the task only delays the delivery until the sweep finds it due.
    transaction.on_commit(lambda: _enqueue_all(ids), robust=True)
    return deliveries


def _enqueue_all(ids: list[int]) -> None:
    for delivery_id in ids:
        webhook_deliver_task.enqueue(delivery_id)


def webhook_emit(
    *, retailer_id: int, event: str, payload: dict, is_test: bool = False
) -> list[WebhookDelivery]:
    """Write the deliveries of one event in the caller's transaction; sent after commit.

    Test-mode events go only to test endpoints, live events only to live ones."""
    return _deliveries_write(
        _subscribed(retailer_id, event), event=event, payload=payload, is_test=is_test
    )


def _money(amount) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _day(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _is_test(contract) -> bool:
    # Read only once an endpoint wants the event; a contract without the column is live.
    return bool(getattr(contract, "is_test", False))


def webhook_contract_emit(event: str, contract, *, cancellation=None) -> list[WebhookDelivery]:
    """`contract.created` after a sale, `contract.cancelled` with its cancellation."""
    endpoints = _subscribed(contract.retailer_id, event)
    if not endpoints:
        return []
    data = {"contract": contract.number, "status": contract.status}
    if event == CONTRACT_CREATED:
        data.update(
            receipt_number=contract.receipt_number,
            plan_price=_money(contract.plan_price),
            item_kind=contract.item_kind,
            item_price=_money(contract.item_price),
            purchased_on=_day(contract.purchased_on),
            term_ends_on=_day(contract.term_ends_on),
        )
    elif event == CONTRACT_CANCELLED and cancellation is not None:
        data.update(
            cancelled_on=_day(cancellation.cancel_on),
            by=cancellation.by,
            refund=_money(cancellation.refund),
            refund_due_on=_day(cancellation.due_on),
        )
    return _deliveries_write(endpoints, event=event, payload=data, is_test=_is_test(contract))


def webhook_claim_emit(event: str, claim, contract, *, reimbursement=None) -> list[WebhookDelivery]:
    """`claim.decided` when the rules or an adjuster decide, `claim.completed` when the work
    is done and reimbursed."""
    endpoints = _subscribed(contract.retailer_id, event)
    if not endpoints:
        return []
    data = {
        "claim": claim.number,
        "contract": contract.number,
        "status": claim.status,
        "decision": claim.decision,
        "reason_code": claim.reason_code or None,
        "approved": _money(claim.approved),
        "holder_share": _money(claim.holder_share),
        "remaining_limit": _money(claim.remaining_limit),
        "filed_on": _day(claim.filed_on),
    }
    if event == CLAIM_DECIDED:
        data["needs_review"] = claim.status == AWAITING_REVIEW
    if event == CLAIM_COMPLETED and reimbursement is not None:
        data.update(
            completed_on=_day(reimbursement.completed_on),
            actual_cost=_money(reimbursement.actual_cost),
            reimbursed=_money(reimbursement.amount),
            invoice_number=reimbursement.invoice_number,
        )
    return _deliveries_write(endpoints, event=event, payload=data, is_test=_is_test(contract))


def webhook_refund_emit(payment, contract) -> list[WebhookDelivery]:
    """`refund.paid` when a cancellation's refund is paid, with any late penalty."""
    endpoints = _subscribed(contract.retailer_id, REFUND_PAID)
    if not endpoints:
        return []
    data = {
        "contract": contract.number,
        "paid_on": _day(payment.paid_on),
        "refund": _money(payment.refund),
        "penalty": _money(payment.penalty),
        "days_late": payment.days_late,
        "total": _money(payment.total),
    }
    return _deliveries_write(endpoints, event=REFUND_PAID, payload=data, is_test=_is_test(contract))


# --- endpoints ------------------------------------------------------------------------------


class CreatedEndpoint(NamedTuple):
    endpoint: WebhookEndpoint
    secret: str  # shown once: only its encrypted form is kept


def _manager_check(caller: Caller) -> None:
    caller_required(caller)
    webhooks_manager_check(caller)


def _url_check(url: str) -> None:
    """Refuse a URL the worker must not send to: plain http where the operator does not
    allow it (a signed payload crosses the internet only encrypted), and a host that does
    not resolve to public addresses only (gemcare.webhooks.addresses), unless the operator
    allows private ones. Every attempt checks again: this check answers the retailer at
    once, the one before sending is the one that protects."""
    if urlsplit(url).scheme != "https" and not settings.GEMCARE_WEBHOOKS_ALLOW_HTTP:
        raise InvalidInput(
            "url", url, "must be an https:// address", code=WebhookError.URL_NOT_ALLOWED
        )
    if settings.GEMCARE_WEBHOOKS_ALLOW_PRIVATE:
        # Development and tests: receivers on 127.0.0.1, and no DNS needed to register.
        return
    try:
        url_addresses(url, allow_private=False)
    except AddressRefused:
        # One answer whether the host has no address or a private one: telling them apart
        # would let a caller probe the platform's internal names.
        raise InvalidInput(
            "url",
            url,
            "must be a public address: its host must resolve, and only to public addresses",
            code=WebhookError.URL_NOT_PUBLIC,
        ) from None


def endpoint_create(
    *,
    caller: Caller,
    endpoint: EndpointIn,
    is_test: bool = False,
    retailer: Retailer | None = None,
) -> CreatedEndpoint:
    """Register an endpoint for the caller's retailer (the provider names the retailer);
    returns the signing secret, the only time it is shown.

    The URL is checked (DNS included) before the transaction opens: a slow resolver then
    holds no transaction, and on SQLite no write lock."""
    _manager_check(caller)
    if caller.is_retailer:
        retailer_id = caller.retailer_id
    elif retailer is not None:
        retailer_id = retailer.pk
    else:
        raise InvalidInput("retailer", None, "is required when the provider adds an endpoint")
    _url_check(endpoint.url)
    secret = secret_generate()
    with transaction.atomic():
        created = WebhookEndpoint.objects.create(
            retailer_id=retailer_id,
            url=endpoint.url,
            events=sorted(set(endpoint.events)),
            secret=secret,
            is_test=is_test,
        )
        audit_record(
            caller=caller,
            action="webhook_endpoint_created",
            entity=created,
            tenant_id=retailer_id,
            data={
                "host": urlsplit(endpoint.url).hostname,
                "events": created.events,
                "test": is_test,
            },
        )
    return CreatedEndpoint(created, secret)


@transaction.atomic
def endpoint_disable(
    *, caller: Caller, endpoint_id: int, is_test: bool | None = None
) -> WebhookEndpoint:
    """Stop sending to an endpoint; its pending deliveries fail when next due."""
    _manager_check(caller)
    endpoint = endpoint_get(
        caller=caller, endpoint_id=endpoint_id, is_test=is_test, for_update=True
    )
    if endpoint.is_active:
        endpoint.is_active = False
        endpoint.save(update_fields=["is_active"])
        audit_record(
            caller=caller,
            action="webhook_endpoint_disabled",
            entity=endpoint,
            tenant_id=endpoint.retailer_id,
        )
    return endpoint


@transaction.atomic
def delivery_replay(
    *, caller: Caller, webhook_id: str, is_test: bool | None = None
) -> WebhookDelivery:
    """Send a delivery again now, under the same webhook-id: one more attempt, whatever
    became of the earlier ones; refused while an attempt is being sent (the receiver would
    get two at once), unless that attempt has outlived its lease (its worker died)."""
    _manager_check(caller)
    delivery = delivery_get(caller=caller, webhook_id=webhook_id, is_test=is_test, for_update=True)
    if not delivery.endpoint.is_active:
        raise Refused(WebhookError.ENDPOINT_DISABLED, WebhookError.ENDPOINT_DISABLED.words)
    now = timezone.now()
    if delivery.attempting_until is not None and delivery.attempting_until > now:
        raise Refused(WebhookError.DELIVERY_IN_FLIGHT, WebhookError.DELIVERY_IN_FLIGHT.words)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=PENDING, next_attempt_at=now)
    delivery.status, delivery.next_attempt_at = PENDING, now
    audit_record(
        caller=caller,
        action="webhook_delivery_replayed",
        entity=delivery,
        tenant_id=delivery.retailer_id,
        data={"webhook_id": delivery.webhook_id},
    )
    delivery_id = delivery.pk
    transaction.on_commit(lambda: webhook_deliver_task.enqueue(delivery_id), robust=True)
    return delivery

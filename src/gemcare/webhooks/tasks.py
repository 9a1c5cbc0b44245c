"""Sending webhook deliveries, after commit, from the background worker.

A delivery row is the truth, not the queue: `next_attempt_at` says when it is due, and
`webhook_deliveries_due` (run every minute, `gemcare webhooks-sweep` or its task) enqueues
whatever is due, so a task that the queue lost, or a worker that died mid-delivery, delays a
delivery but never drops it.

One attempt is three steps. (1) Claim: lock the row, skipping a row another worker holds,
and push `next_attempt_at` one lease ahead, in a short transaction; a second task for the
same delivery then finds it not due and does nothing, so it is never sent twice at once.
(2) Send, with no transaction open (a slow receiver holds no lock and no connection's
transaction). (3) Record the attempt and the outcome. A worker that dies between (1) and (3)
leaves the row due again once the lease runs out: the sweep sends it again, under the same
`webhook-id`, as a retry. Receivers drop a repeated `webhook-id` (docs/partner-api.md).
"""

import datetime as dt
import http.client
import json
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from gemcare.webhooks.addresses import AddressRefused, pinned_connection, url_addresses
from gemcare.webhooks.models import (
    DELIVERED,
    FAILED,
    PENDING,
    WebhookAttempt,
    WebhookDelivery,
)
from gemcare.webhooks.signing import signed_headers

TIMEOUT_SECONDS = 10
# Longer than any one send can take (the timeout, connecting and reading included).
LEASE = dt.timedelta(minutes=2)
# The wait after each failed attempt: eight attempts over 29 hours, so a receiver down for a
# whole day still gets its events.
RETRY_DELAYS = tuple(
    dt.timedelta(seconds=seconds) for seconds in (30, 120, 600, 3600, 4 * 3600, 8 * 3600, 16 * 3600)
)
SWEEP_BATCH = 500
# The sweep leaves a delivery that just fell due to the task already queued for it.
SWEEP_GRACE = dt.timedelta(minutes=1)
ERROR_LENGTH = 200
USER_AGENT = "Gemcare-Webhooks/1"

SKIPPED = "skipped"


def retry_delay(attempts: int) -> dt.timedelta | None:
    """The wait before the next attempt after `attempts` failed ones; none once given up."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempts - 1]


def payload_body(payload: dict) -> str:
    """The exact text sent and signed: compact and stable across attempts."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def _request_target(url: str) -> str:
    """The path and query the request names, as ASCII (an IRI's are percent-encoded)."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return iri_to_uri(target)


def _post(url: str, body: str, headers: dict) -> tuple[int | None, int, str]:
    """POST once: (status or None, milliseconds, a short error or "").

    The host is resolved and checked here, right before the request, and the connection
    goes to the addresses checked (gemcare.webhooks.addresses). http.client follows no
    redirect and uses no proxy: a redirect is an answer, not a delivery (following it would
    send the signed payload somewhere the retailer never registered, or inside our network),
    and a proxy would resolve the name again itself."""
    started = time.monotonic()
    status, error = None, ""
    connection = None
    try:
        if urlsplit(url).scheme != "https" and not settings.GEMCARE_WEBHOOKS_ALLOW_HTTP:
            raise AddressRefused("refused: plain http is not allowed")
        addresses = url_addresses(url, allow_private=settings.GEMCARE_WEBHOOKS_ALLOW_PRIVATE)
        connection = pinned_connection(url, addresses, timeout=TIMEOUT_SECONDS)
        connection.request(
            "POST",
            _request_target(url),
            body=body.encode(),
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        status = response.status
        response.read(65536)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except AddressRefused as refused:
        error = refused.message
    except ssl.SSLError as failure:
        error = f"TLS: {failure.reason or failure}"
    except TimeoutError:
        error = "timed out"
    except (OSError, http.client.HTTPException, ValueError) as failure:
        error = f"{type(failure).__name__}: {failure}"
    finally:
        if connection is not None:
            connection.close()
    elapsed = int((time.monotonic() - started) * 1000)
    return status, elapsed, error[:ERROR_LENGTH]


def delivery_claim(delivery_id: int, *, now: dt.datetime) -> WebhookDelivery | None:
    """Take a due delivery for one attempt, or None when it is not due, done, or held."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status=PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        if not delivery.endpoint.is_active:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=FAILED, next_attempt_at=None
            )
            return None
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=now + LEASE, attempting_until=now + LEASE
        )
        return delivery


def delivery_send(delivery_id: int, *, now: dt.datetime | None = None) -> str:
    """Make one attempt at a due delivery; returns its status after it, or "skipped"."""
    now = now or timezone.now()
    delivery = delivery_claim(delivery_id, now=now)
    if delivery is None:
        return SKIPPED
    body = payload_body(delivery.payload)
    headers = signed_headers(
        secret=delivery.endpoint.secret, webhook_id=delivery.webhook_id, body=body, at=now
    )
    status, elapsed, error = _post(delivery.endpoint.url, body, headers)
    return attempt_record(
        delivery_id, at=now, response_status=status, response_ms=elapsed, error=error
    )


@transaction.atomic
def attempt_record(
    delivery_id: int, *, at: dt.datetime, response_status: int | None, response_ms: int, error: str
) -> str:
    """Log the attempt and move the delivery on: delivered, due again later, or failed."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=at,
        response_status=response_status,
        response_ms=response_ms,
        error=error[:ERROR_LENGTH],
    )
    attempts = delivery.attempts + 1
    succeeded = response_status is not None and 200 <= response_status < 300
    lease = delivery.attempting_until
    if lease is not None and lease > at + LEASE:
        # This attempt outlived its lease and another is being sent now: it is logged (and a
        # success kept), and the attempt under way moves the delivery on when it ends.
        moved = {"status": DELIVERED, "next_attempt_at": None} if succeeded else {}
        WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=attempts, **moved)
        return DELIVERED if succeeded else delivery.status
    next_attempt_at = None
    if succeeded or delivery.status == DELIVERED:
        # An attempt that outlived its lease may end after a retry already got through.
        status = DELIVERED
    else:
        delay = retry_delay(attempts)
        status = FAILED if delay is None else PENDING
        if delay is not None:
            next_attempt_at = at + delay
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status, attempts=attempts, next_attempt_at=next_attempt_at, attempting_until=None
    )
    if next_attempt_at is not None:
        transaction.on_commit(lambda: retry_enqueue(delivery.pk, next_attempt_at), robust=True)
    return status


def retry_enqueue(delivery_id: int, at: dt.datetime) -> None:
    """Queue the retry for its time where the backend can wait; the sweep covers the rest."""
    if webhook_deliver_task.get_backend().supports_defer:
        webhook_deliver_task.using(run_after=at).enqueue(delivery_id)


def webhook_deliveries_due(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Enqueue an attempt for every pending delivery overdue by more than SWEEP_GRACE: a
    retry whose task was lost, a delivery whose worker died. A second task for a delivery is
    harmless (see above)."""
    overdue = (now or timezone.now()) - SWEEP_GRACE
    due = list(
        WebhookDelivery.objects.filter(status=PENDING, next_attempt_at__lte=overdue)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in due:
        webhook_deliver_task.enqueue(delivery_id)
    return len(due)


@task
def webhook_deliver_task(delivery_id: int) -> str:
    return delivery_send(delivery_id)


@task
def webhook_deliveries_due_task() -> int:
    return webhook_deliveries_due()

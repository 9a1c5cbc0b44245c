"""Sending: signed the Standard Webhooks way, retried with backoff, never lost, never sent
twice at once, and sent again only as a retry under the same webhook-id."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from factories import snapshot
from standardwebhooks.webhooks import Webhook
from webhook_factories import endpoint_make

from gemcare.common.errors import Refused
from gemcare.webhooks import tasks
from gemcare.webhooks.models import DELIVERED, FAILED, PENDING, WebhookDelivery
from gemcare.webhooks.services import delivery_replay, webhook_emit
from gemcare.webhooks.signing import secret_generate, signed_headers
from gemcare.webhooks.tasks import (
    LEASE,
    RETRY_DELAYS,
    SWEEP_GRACE,
    attempt_record,
    delivery_claim,
    delivery_send,
    retry_delay,
    webhook_deliveries_due,
)

pytestmark = pytest.mark.django_db

PAYLOAD = {"contract": "C12345678", "status": "active", "plan_price": "129.00"}


def emit(endpoint, django_capture_on_commit_callbacks, *, execute=True, **extra):
    """Emit one event in a transaction; with `execute`, what the commit triggers runs."""
    with django_capture_on_commit_callbacks(execute=execute), transaction.atomic():
        (delivery,) = webhook_emit(
            retailer_id=endpoint.retailer_id, event="contract.created", payload=PAYLOAD, **extra
        )
    return WebhookDelivery.objects.get(pk=delivery.pk)


def due_now(delivery) -> None:
    """Let time pass: the delivery's next attempt (or its lease) is overdue, as the sweep
    finds it."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - SWEEP_GRACE - dt.timedelta(seconds=1)
    )


def test_signature_is_the_standard_webhooks_one():
    secret = secret_generate()
    assert secret.startswith("whsec_")
    at = timezone.now()
    body = '{"a":1}'
    headers = signed_headers(secret=secret, webhook_id="msg_abc", body=body, at=at)
    assert headers["webhook-id"] == "msg_abc"
    assert headers["webhook-timestamp"] == str(int(at.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers) == {"a": 1}
    with pytest.raises(Exception, match="signature"):
        Webhook(secret_generate()).verify(body, headers)


def test_delivered_after_commit_to_a_receiver_that_verifies_it(
    receiver, django_capture_on_commit_callbacks
):
    endpoint, _ = endpoint_make(receiver)
    delivery = emit(endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == DELIVERED
    assert delivery.attempts == 1
    assert delivery.next_attempt_at is None
    (request,) = receiver.received
    assert request.verified == {
        "type": "contract.created",
        "timestamp": delivery.payload["timestamp"],
        "data": PAYLOAD,
    }
    assert request.headers["webhook-id"] == delivery.webhook_id
    assert delivery.webhook_id.startswith("msg_")
    assert request.headers["content-type"] == "application/json"
    (attempt,) = delivery.attempt_log.all()
    assert (attempt.response_status, attempt.error) == (200, "")
    assert attempt.response_ms >= 0


def test_nothing_is_sent_before_commit(receiver, django_capture_on_commit_callbacks):
    endpoint, _ = endpoint_make(receiver)
    delivery = emit(endpoint, django_capture_on_commit_callbacks, execute=False)
    assert receiver.received == []
    assert (delivery.status, delivery.attempts) == (PENDING, 0)


def test_a_receiver_that_fails_twice_then_recovers(receiver, django_capture_on_commit_callbacks):
    receiver.script = [500, 503]
    endpoint, _ = endpoint_make(receiver)
    delivery = emit(endpoint, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (PENDING, 1)
    first_wait = delivery.next_attempt_at - delivery.attempt_log.get().at
    assert first_wait == RETRY_DELAYS[0]
    # Not yet due: the sweep leaves it alone.
    assert webhook_deliveries_due() == 0

    due_now(delivery)
    assert webhook_deliveries_due() == 1  # the second attempt, run at once here
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (PENDING, 2)
    assert delivery.next_attempt_at - delivery.attempt_log.last().at == RETRY_DELAYS[1]

    due_now(delivery)
    webhook_deliveries_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DELIVERED, 3, None)
    attempts = list(delivery.attempt_log.all())
    assert [a.response_status for a in attempts] == [500, 503, 200]
    assert [a.error for a in attempts] == ["HTTP 500", "HTTP 503", ""]
    assert all(a.response_ms >= 0 for a in attempts)
    assert receiver.ids == [delivery.webhook_id] * 3
    assert list(receiver.processed) == [delivery.webhook_id]


def test_retries_last_at_least_a_day_then_the_delivery_fails(
    receiver, django_capture_on_commit_callbacks
):
    assert sum(RETRY_DELAYS, dt.timedelta()) >= dt.timedelta(hours=24)
    assert [retry_delay(n) for n in (1, 2, 3)] == [
        dt.timedelta(seconds=30),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=10),
    ]
    receiver.script = [500] * 20
    endpoint, _ = endpoint_make(receiver)
    delivery = emit(endpoint, django_capture_on_commit_callbacks)
    at = timezone.now()
    while delivery.status == PENDING:
        at = delivery.next_attempt_at
        assert delivery_send(delivery.pk, now=at) in {PENDING, FAILED}
        delivery.refresh_from_db()
    assert delivery.status == FAILED
    assert delivery.attempts == len(RETRY_DELAYS) + 1
    assert delivery.next_attempt_at is None
    assert at - delivery.created_at >= dt.timedelta(hours=24)
    assert delivery_send(delivery.pk, now=at + dt.timedelta(days=1)) == tasks.SKIPPED


def test_an_unreachable_receiver_is_an_attempt_with_its_error(
    receiver, django_capture_on_commit_callbacks
):
    endpoint, _ = endpoint_make(receiver)
    # Nothing listens there: connecting is refused at once.
    type(endpoint).objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:9/hooks")
    delivery = emit(endpoint, django_capture_on_commit_callbacks)
    (attempt,) = delivery.attempt_log.all()
    assert attempt.response_status is None
    assert attempt.error
    assert len(attempt.error) <= 200
    assert "contract" not in attempt.error
    assert delivery.status == PENDING


def test_worker_died_after_claiming_the_sweep_sends_it_again(
    receiver, django_capture_on_commit_callbacks
):
    endpoint, _ = endpoint_make(receiver)
    delivery = emit(endpoint, django_capture_on_commit_callbacks, execute=False)
    # A worker claims the delivery, then dies before sending.
    assert delivery_claim(delivery.pk, now=timezone.now()) is not None
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > timezone.now() + LEASE - dt.timedelta(seconds=5)
    # While the lease runs, nobody else sends it: not a second task, not the sweep.
    assert delivery_send(delivery.pk) == tasks.SKIPPED
    assert webhook_deliveries_due() == 0
    assert receiver.received == []

    due_now(delivery)  # the lease ran out
    assert webhook_deliveries_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DELIVERED, 1)
    assert receiver.ids == [delivery.webhook_id]


def test_worker_died_before_recording_sent_again_under_the_same_id(
    receiver, django_capture_on_commit_callbacks, monkeypatch
):
    endpoint, _ = endpoint_make(receiver)
    delivery = emit(endpoint, django_capture_on_commit_callbacks, execute=False)

    class WorkerKilled(BaseException):
        pass

    def killed(*args, **kwargs):
        raise WorkerKilled

    with monkeypatch.context() as patch:
        patch.setattr(tasks, "attempt_record", killed)
        with pytest.raises(WorkerKilled):
            delivery_send(delivery.pk)
    assert len(receiver.received) == 1  # it reached the receiver, but nothing was recorded
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (PENDING, 0)

    due_now(delivery)
    assert webhook_deliveries_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DELIVERED, 1)
    # Sent twice, as a retry, under the same webhook-id: the receiver processed it once.
    assert receiver.ids == [delivery.webhook_id, delivery.webhook_id]
    assert all(not isinstance(request.verified, Exception) for request in receiver.received)
    assert list(receiver.processed) == [delivery.webhook_id]
    # A delivered one is not sent again by a late task or sweep.
    assert delivery_send(delivery.pk) == tasks.SKIPPED
    assert webhook_deliveries_due() == 0


def test_an_attempt_that_outlived_its_lease_leaves_the_next_one_in_charge(
    receiver, django_capture_on_commit_callbacks
):
    """The first attempt's worker stalled past its lease; a second attempt was taken
    meanwhile. The first one's late failure is logged, but neither schedules a retry nor
    frees the delivery for a replay while the second is being sent; the second decides."""
    endpoint, caller = endpoint_make(receiver)
    delivery = emit(endpoint, django_capture_on_commit_callbacks, execute=False)
    start = timezone.now() - LEASE - dt.timedelta(minutes=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=start)
    assert delivery_claim(delivery.pk, now=start) is not None  # the stalled one
    later = start + LEASE + dt.timedelta(seconds=30)
    assert delivery_claim(delivery.pk, now=later) is not None  # its lease over: a second
    leased = WebhookDelivery.objects.get(pk=delivery.pk)

    status = attempt_record(
        delivery.pk, at=start, response_status=None, response_ms=10_000, error="timed out"
    )
    delivery.refresh_from_db()
    assert status == PENDING and delivery.attempts == 1
    assert (delivery.next_attempt_at, delivery.attempting_until) == (
        leased.next_attempt_at,
        leased.attempting_until,
    )
    before = snapshot(delivery)
    with pytest.raises(Refused) as refused:
        delivery_replay(caller=caller, webhook_id=delivery.webhook_id)
    assert refused.value.code == "webhook_delivery_in_flight"
    assert snapshot(delivery) == before

    assert attempt_record(delivery.pk, at=later, response_status=200, response_ms=5, error="") == (
        DELIVERED
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.attempting_until) == (DELIVERED, 2, None)
    assert delivery.attempt_log.count() == 2


def test_a_late_success_of_a_stalled_attempt_is_kept(receiver, django_capture_on_commit_callbacks):
    endpoint, _ = endpoint_make(receiver)
    delivery = emit(endpoint, django_capture_on_commit_callbacks, execute=False)
    start = timezone.now() - LEASE - dt.timedelta(minutes=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=start)
    delivery_claim(delivery.pk, now=start)
    later = start + LEASE + dt.timedelta(seconds=30)
    delivery_claim(delivery.pk, now=later)

    assert attempt_record(delivery.pk, at=start, response_status=200, response_ms=9_000, error="")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at) == (DELIVERED, None)
    # The second attempt, failing, does not undo it.
    attempt_record(delivery.pk, at=later, response_status=500, response_ms=5, error="HTTP 500")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.attempting_until) == (DELIVERED, 2, None)


def test_replay_sends_again_now_under_the_same_id(receiver, django_capture_on_commit_callbacks):
    endpoint, caller = endpoint_make(receiver)
    delivery = emit(endpoint, django_capture_on_commit_callbacks)
    assert delivery.status == DELIVERED

    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(caller=caller, webhook_id=delivery.webhook_id)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DELIVERED, 2)
    assert receiver.ids == [delivery.webhook_id] * 2
    first, second = (request.headers for request in receiver.received)
    assert first["webhook-signature"] and second["webhook-signature"]
    assert delivery.attempt_log.count() == 2


def test_a_disabled_endpoint_gets_nothing_more(receiver, django_capture_on_commit_callbacks):
    from gemcare.webhooks.services import endpoint_disable

    receiver.script = [500]
    endpoint, caller = endpoint_make(receiver)
    delivery = emit(endpoint, django_capture_on_commit_callbacks)
    assert delivery.status == PENDING
    endpoint_disable(caller=caller, endpoint_id=endpoint.pk)
    due_now(delivery)
    webhook_deliveries_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (FAILED, 1)
    assert len(receiver.received) == 1
    assert (
        webhook_emit(retailer_id=endpoint.retailer_id, event="contract.created", payload={}) == []
    )

"""The outbox against the database task backend's own rows (django_tasks_db): a committed
delivery is queued, a lost task is queued again by the sweep, and the worker sends it."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from factories import assert_on_the_test_database
from webhook_factories import endpoint_make

from gemcare.webhooks.models import DELIVERED, PENDING, WebhookDelivery
from gemcare.webhooks.services import webhook_emit
from gemcare.webhooks.tasks import (
    RETRY_DELAYS,
    SWEEP_GRACE,
    delivery_claim,
    webhook_deliveries_due,
)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASK_PATH = "gemcare.webhooks.tasks.webhook_deliver_task"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_BACKEND
    assert_on_the_test_database()


def queued() -> list[tuple[str, list, str]]:
    return [
        (row.task_path, row.args_kwargs["args"], row.status)
        for row in DBTaskResult.objects.order_by("enqueued_at")
    ]


def overdue(delivery) -> None:
    """Let time pass until the sweep finds the delivery overdue."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - SWEEP_GRACE
    )


def worker_run() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0")


@pytest.mark.django_db(transaction=True)
def test_a_lost_task_is_queued_again_by_the_sweep(database_queue, receiver):
    receiver.script = [500]
    endpoint, _ = endpoint_make(receiver)
    with transaction.atomic():
        (delivery,) = webhook_emit(
            retailer_id=endpoint.retailer_id, event="refund.paid", payload={"total": "9.00"}
        )
        assert queued() == []  # nothing is queued before the commit
    assert queued() == [(TASK_PATH, [delivery.pk], "READY")]

    DBTaskResult.objects.all().delete()  # the queue lost it
    assert webhook_deliveries_due() == 0  # just due: the sweep waits a moment for its task
    overdue(delivery)
    assert webhook_deliveries_due() == 1
    assert queued() == [(TASK_PATH, [delivery.pk], "READY")]

    worker_run()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (PENDING, 1)
    # The retry is queued for its time, and the sweep would find it then anyway.
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"] == [delivery.pk]
    assert retry.run_after == delivery.next_attempt_at
    assert delivery.next_attempt_at - delivery.attempt_log.get().at == RETRY_DELAYS[0]

    overdue(delivery)
    DBTaskResult.objects.all().delete()
    assert webhook_deliveries_due() == 1
    worker_run()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DELIVERED, 2)
    assert receiver.ids == [delivery.webhook_id] * 2


@pytest.mark.django_db(transaction=True)
def test_two_tasks_for_one_delivery_send_it_once(database_queue, receiver):
    endpoint, _ = endpoint_make(receiver)
    with transaction.atomic():
        (delivery,) = webhook_emit(
            retailer_id=endpoint.retailer_id, event="refund.paid", payload={}
        )
    overdue(delivery)
    webhook_deliveries_due()  # a sweep ran while the first task was still queued
    assert len(queued()) == 2
    worker_run()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DELIVERED, 1)
    assert receiver.ids == [delivery.webhook_id]
    assert {status for _, _, status in queued()} == {"SUCCESSFUL"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_delivery_held_by_one_worker_is_skipped_by_another(database_queue, receiver):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    import threading

    endpoint, _ = endpoint_make(receiver)
    with transaction.atomic():
        (delivery,) = webhook_emit(
            retailer_id=endpoint.retailer_id, event="refund.paid", payload={}
        )
    held, release, seen = threading.Event(), threading.Event(), []

    def first_worker():
        from django.db import connection as own

        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
                held.set()
                release.wait(10)
        finally:
            own.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert held.wait(10)
        # The second worker does not wait for the lock, nor send: it skips the row.
        seen.append(delivery_claim(delivery.pk, now=timezone.now() + dt.timedelta(seconds=1)))
    finally:
        release.set()
        thread.join(10)
    assert seen == [None]
    assert receiver.received == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_nothing(database_queue, receiver):
    """A real worker process is killed while its request is at the receiver: the delivery is
    sent again after the lease, by another worker, under the same webhook-id, and delivered
    once."""
    if connection.vendor != "postgresql":
        pytest.skip("a second process shares the test database only on PostgreSQL")
    import os
    import signal
    import subprocess
    import sys
    import threading

    endpoint, _ = endpoint_make(receiver)
    with transaction.atomic():
        (delivery,) = webhook_emit(
            retailer_id=endpoint.retailer_id, event="refund.paid", payload={}
        )
    receiver.hold = release = threading.Event()
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gemcare",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "1",
        ],
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.testing"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: killed whole, children included
    )
    try:
        assert receiver.arrived.wait(60), "the worker never sent the delivery"
        # Mid-delivery: after the claim, before anything was recorded.
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        release.set()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (PENDING, 0)
    assert delivery.next_attempt_at > timezone.now()  # the dead worker's lease

    assert webhook_deliveries_due() == 0  # not while the lease runs
    overdue(delivery)  # the lease ran out
    assert webhook_deliveries_due() == 1
    worker_run()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DELIVERED, 1)
    assert receiver.ids == [delivery.webhook_id, delivery.webhook_id]
    assert list(receiver.processed) == [delivery.webhook_id]

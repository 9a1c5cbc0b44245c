"""Sales of one receipt line, and requests under one idempotency key, arriving at once.

PostgreSQL only: SQLite serialises writers on the whole file, so it proves nothing here. The
tests commit (each thread has its own connection), so the presets are committed too.
"""

import datetime as dt
import threading
import time

import pytest
from concurrency import run_at_once
from django.db import connection
from django.utils import timezone
from factories import SYSTEM, retailer_make, sale_in, store_make

from gemcare.catalog.services import presets_load
from gemcare.common.callers import Caller
from gemcare.common.errors import Refused
from gemcare.common.idempotency import StoredResponse, idempotent_call
from gemcare.common.models import IdempotencyKey
from gemcare.contracts.models import Contract, Holder
from gemcare.contracts.services import contract_sell
from gemcare.partners.models import Retailer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections"),
]


@pytest.fixture
def presets(transactional_db):
    """Committed presets (this module's tests commit, so no module-wide transaction)."""
    presets_load(caller=Caller.system("presets"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_sales_of_one_receipt_line_give_one_contract(presets):
    store = store_make()
    sale = sale_in(receipt_number="R-RACE")
    results = run_at_once(8, lambda index: contract_sell(caller=SYSTEM, store=store, sale=sale))
    sold = [result for result in results if isinstance(result, Contract)]
    refused = [result for result in results if isinstance(result, Refused)]
    assert len(sold) == 1, results
    assert len(refused) == 7 and {error.code for error in refused} == {"duplicate_sale"}
    assert Contract.objects.filter(receipt_number="R-RACE").count() == 1
    # The refused sales left nothing behind: not even the holders they would have made.
    assert Holder.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_key_in_flight_is_seen_at_once_by_concurrent_requests():
    """The claim is not committed before the work (one transaction per answer): concurrent
    requests see it through its lock, the same one answering 409, another 422, and neither
    waits for the first to finish."""
    retailer = retailer_make()
    working, finish = threading.Event(), threading.Event()

    def slow_first():
        working.set()
        assert finish.wait(timeout=30)
        return StoredResponse(201, {"number": "C-FIRST"})

    def call(fingerprint, respond):
        return idempotent_call(
            retailer_id=retailer.pk,
            is_test=False,
            key="k-race",
            fingerprint=fingerprint,
            respond=respond,
        )

    first: list = []

    def run_first():
        try:
            first.append(call("f" * 64, slow_first))
        finally:
            connection.close()

    thread = threading.Thread(target=run_first)
    thread.start()
    assert working.wait(timeout=30)
    calls: list = []

    def counted():
        calls.append(1)
        return StoredResponse(201, {})

    started = time.monotonic()
    try:
        same = run_at_once(5, lambda index: call("f" * 64, counted))
        other = run_at_once(3, lambda index: call("e" * 64, counted))
        in_flight_for = time.monotonic() - started
        committed_meanwhile = IdempotencyKey.objects.exists()
    finally:
        finish.set()
    assert in_flight_for < 10  # answered, not queued behind the first
    assert {(error.code, error.http_status) for error in same} == {("idempotency_in_flight", 409)}
    assert {(error.code, error.http_status) for error in other} == {("idempotency_key_reused", 422)}
    assert not committed_meanwhile
    thread.join(timeout=30)
    assert first == [(StoredResponse(201, {"number": "C-FIRST"}), False)]
    replays = run_at_once(4, lambda index: call("f" * 64, counted))
    assert replays == [(StoredResponse(201, {"number": "C-FIRST"}), True)] * 4
    assert calls == []
    assert list(IdempotencyKey.objects.values_list("state", flat=True)) == ["done"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_dies_frees_its_key_at_once():
    """The claim is the transaction's: a connection that goes away mid-work (its process
    died) takes the claim with it, and the retry runs at once, not after a timeout."""
    retailer = retailer_make()
    call = {"retailer_id": retailer.pk, "is_test": False, "key": "k-died", "fingerprint": "d" * 64}

    def dies():
        connection.connection.close()  # the socket goes, as with a killed process
        raise ConnectionError("gone")

    died = run_at_once(1, lambda index: idempotent_call(**call, respond=dies))
    assert isinstance(died[0], BaseException)
    assert not IdempotencyKey.objects.exists()
    answer = StoredResponse(201, {"number": "C-RETRY"})
    assert idempotent_call(**call, respond=lambda: answer) == (answer, False)


@pytest.mark.django_db(transaction=True)
def test_a_claim_taken_over_and_answered_meanwhile_replays_that_answer():
    """A claim of the design before (committed on its own, "in flight") whose process seemed
    dead answers after all, while a retry that took it over works: the retry's work rolls
    back and it replays the first answer."""
    retailer = retailer_make()
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    stuck = IdempotencyKey.objects.create(
        retailer=retailer,
        is_test=False,
        key="k-stuck",
        fingerprint="s" * 64,
        created_at=long_ago,
        claimed_at=long_ago,
    )

    def retry_work():
        Retailer.objects.create(code="made-by-the-retry", name="Retry")
        # The first process answers now, on its own connection.
        late = run_at_once(
            1,
            lambda index: IdempotencyKey.objects.filter(pk=stuck.pk).update(
                state="done", response_status=201, response_body={"first": True}
            ),
        )
        assert late == [1]
        return StoredResponse(201, {"retry": True})

    answer = idempotent_call(
        retailer_id=retailer.pk,
        is_test=False,
        key="k-stuck",
        fingerprint="s" * 64,
        respond=retry_work,
    )
    assert answer == (StoredResponse(201, {"first": True}), True)
    assert not Retailer.objects.filter(code="made-by-the-retry").exists()

"""The daily expiry (RULEBOOK §0 and §3): due in SQL, in chunks, never waiting for a claim.

Most contracts are written as rows here, with their `term_ends_on` as a sale sets it, so that
these tests pin the expiry alone; one is sold through the sale service end to end.
"""

import datetime as dt
import io
import itertools
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from factories import retailer_make, row_counts, sell, snapshot, store_make

from gemcare.catalog.selectors import plan_version_current
from gemcare.catalog.services import presets_load
from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.locking import contract_lock
from gemcare.common.models import AuditEntry
from gemcare.contracts import expiry
from gemcare.contracts.expiry import EXPIRY_CALLER, ExpiryIncomplete, contracts_expire
from gemcare.contracts.models import (
    ACTIVE,
    CANCELLED,
    EXHAUSTED,
    EXPIRED,
    Contract,
    ContractEvent,
    Holder,
)
from gemcare.contracts.tasks import contracts_expire_task
from gemcare.rules.dates import add_years

MARCH_1 = dt.date(2024, 3, 1)
TERM_END = dt.date(2027, 3, 1)  # a 3-year term from 2024-03-01: covered up to 2027-02-28
_numbers = itertools.count(1)


@pytest.fixture
def presets(db):
    """Published presets for each test (this module also commits in its PostgreSQL test, so
    it keeps off the module-wide transaction of the folder's fixture)."""
    presets_load(caller=Caller.system("presets"))


def contract_make(
    product: str = "care-jewelry-3yr",
    *,
    purchased: dt.date = MARCH_1,
    store=None,
    status: str = ACTIVE,
    last_event_on: dt.date | None = None,
) -> Contract:
    version = plan_version_current(code=product)
    store = store or store_make()
    term_ends_on = add_years(purchased, version.term_years) if version.term_years else None
    number = next(_numbers)
    return Contract.objects.create(
        number=f"TEST{number:08d}",
        product_version=version,
        retailer=store.retailer,
        store=store,
        receipt_number=f"R-{number}",
        item_kind="ring",
        item_price=Decimal("600.00"),
        item_sold_on=purchased,
        holder=Holder.objects.create(name="Ada Holder", state="OK"),
        state_at_sale="OK",
        plan_price=Decimal("69.00"),
        commission=Decimal("27.60"),
        purchased_on=purchased,
        term_ends_on=term_ends_on,
        last_event_on=last_event_on or purchased,
        status=status,
    )


def status_of(contract: Contract) -> str:
    return Contract.objects.get(pk=contract.pk).status


def test_a_term_contract_expires_on_the_first_day_its_term_no_longer_covers(presets):
    contract = contract_make(purchased=MARCH_1)
    assert contract.term_ends_on == TERM_END
    counts = row_counts()

    assert contracts_expire(caller=EXPIRY_CALLER, on=TERM_END - dt.timedelta(days=1)) == 0
    assert status_of(contract) == ACTIVE
    assert row_counts() == counts

    assert contracts_expire(caller=EXPIRY_CALLER, on=TERM_END) == 1
    stored = Contract.objects.get(pk=contract.pk)
    assert (stored.status, stored.last_event_on) == (EXPIRED, TERM_END)
    event = ContractEvent.objects.get(contract=contract)
    assert (event.kind, event.on, event.from_status, event.to_status) == (
        "expired",
        TERM_END,
        ACTIVE,
        EXPIRED,
    )
    entry = AuditEntry.objects.get(action="contract_expired")
    assert (entry.entity, entry.entity_id) == ("contract", str(contract.pk))
    assert (entry.actor_id, entry.actor_label) == (None, "system:contract_expiry")
    assert entry.retailer_id == contract.retailer_id
    assert entry.data == {"term_ended_on": "2027-03-01"}


def test_a_contract_sold_through_the_sale_service_expires_at_its_term_end(presets):
    three_years = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)
    lifetime = sell("ljpp-lifetime", purchased=MARCH_1)

    assert contracts_expire(caller=EXPIRY_CALLER, on=TERM_END - dt.timedelta(days=1)) == 0
    assert contracts_expire(caller=EXPIRY_CALLER, on=TERM_END) == 1

    assert (status_of(three_years), status_of(lifetime)) == (EXPIRED, ACTIVE)
    event = three_years.events.order_by("id").last()
    assert (event.kind, event.on) == ("expired", TERM_END)


def test_a_contract_whose_term_ended_days_ago_expires_dated_on_its_term_end(presets):
    contract = contract_make(purchased=MARCH_1)

    assert contracts_expire(caller=EXPIRY_CALLER, on=dt.date(2027, 3, 20)) == 1

    assert status_of(contract) == EXPIRED
    assert ContractEvent.objects.get(contract=contract).on == TERM_END


def test_the_latest_event_date_keeps_a_later_claim_date(presets):
    # A claim filed after the term ended, before the run: the latest event stays the claim's.
    late_claim = dt.date(2027, 3, 5)
    contract = contract_make(purchased=MARCH_1, last_event_on=late_claim)

    contracts_expire(caller=EXPIRY_CALLER, on=dt.date(2027, 3, 10))

    stored = Contract.objects.get(pk=contract.pk)
    assert (stored.status, stored.last_event_on) == (EXPIRED, late_claim)


def test_a_term_ending_on_29_february_ends_on_28_february(presets):
    contract = contract_make(purchased=dt.date(2024, 2, 29))
    assert contract.term_ends_on == dt.date(2027, 2, 28)

    assert contracts_expire(caller=EXPIRY_CALLER, on=dt.date(2027, 2, 27)) == 0
    assert contracts_expire(caller=EXPIRY_CALLER, on=dt.date(2027, 2, 28)) == 1


def test_lifetime_plans_never_expire(presets):
    lifetime = contract_make("ljpp-lifetime", purchased=dt.date(1990, 1, 1))
    care = contract_make("care-jewelry-lifetime", purchased=dt.date(1990, 1, 1))
    assert (lifetime.term_ends_on, care.term_ends_on) == (None, None)
    counts = row_counts()

    assert contracts_expire(caller=EXPIRY_CALLER, on=dt.date(2100, 1, 1)) == 0

    assert (status_of(lifetime), status_of(care)) == (ACTIVE, ACTIVE)
    assert row_counts() == counts


def test_only_active_contracts_expire(presets):
    cancelled = contract_make(status=CANCELLED)
    exhausted = contract_make(status=EXHAUSTED)
    before = (snapshot(cancelled), snapshot(exhausted))
    counts = row_counts()

    assert contracts_expire(caller=EXPIRY_CALLER, on=dt.date(2030, 1, 1)) == 0

    assert (snapshot(cancelled), snapshot(exhausted)) == before
    assert row_counts() == counts


def test_the_run_takes_every_due_contract_across_chunks_and_leaves_the_rest(presets, monkeypatch):
    store = store_make()
    days = [TERM_END - dt.timedelta(days=n) for n in (0, 0, 0, 1, 2, 30, 400)]
    due = [contract_make(purchased=add_years(day, -3), store=store) for day in days]
    not_due = [
        contract_make(purchased=dt.date(2024, 3, 2), store=store),
        contract_make(purchased=dt.date(2025, 1, 1), store=store),
    ]
    chunks: list[int] = []
    chunk_expire = expiry._chunk_expire

    def counting(rows, *, caller):
        chunks.append(len(rows))
        chunk_expire(rows, caller=caller)

    monkeypatch.setattr(expiry, "_chunk_expire", counting)
    assert contracts_expire(caller=EXPIRY_CALLER, on=TERM_END, chunk_size=2) == len(due)

    assert chunks == [2, 2, 2, 1]
    assert {status_of(contract) for contract in due} == {EXPIRED}
    assert {status_of(contract) for contract in not_due} == {ACTIVE}
    assert ContractEvent.objects.filter(kind="expired").count() == len(due)
    assert AuditEntry.objects.filter(action="contract_expired").count() == len(due)
    events = ContractEvent.objects.filter(kind="expired")
    assert sorted(event.on for event in events) == sorted(days)


def test_a_second_run_changes_nothing(presets):
    for _ in range(3):
        contract_make()
    assert contracts_expire(caller=EXPIRY_CALLER, on=TERM_END, chunk_size=2) == 3
    counts = row_counts()

    assert contracts_expire(caller=EXPIRY_CALLER, on=TERM_END, chunk_size=2) == 0
    assert contracts_expire(caller=EXPIRY_CALLER, on=dt.date(2030, 1, 1)) == 0

    assert row_counts() == counts


def test_each_audit_entry_names_its_own_retailer(presets):
    first, second = retailer_make(), retailer_make()
    ours = contract_make(store=store_make(retailer=first))
    theirs = contract_make(store=store_make(retailer=second))

    contracts_expire(caller=EXPIRY_CALLER, on=TERM_END)

    tenants = dict(
        AuditEntry.objects.filter(action="contract_expired").values_list("entity_id", "retailer")
    )
    assert tenants == {str(ours.pk): first.pk, str(theirs.pk): second.pk}


def test_one_bad_row_costs_only_itself(presets, monkeypatch):
    store = store_make()
    contracts = [contract_make(store=store) for _ in range(5)]
    bad = contracts[2]
    insert = expiry._events_insert

    def refusing(rows):
        if any(row[0] == bad.pk for row in rows):
            raise IntegrityError("refused by the database")
        insert(rows)

    monkeypatch.setattr(expiry, "_events_insert", refusing)

    with pytest.raises(ExpiryIncomplete) as incomplete:
        contracts_expire(caller=EXPIRY_CALLER, on=TERM_END, chunk_size=2)

    assert (incomplete.value.expired, incomplete.value.failed) == (4, [bad.pk])
    assert [status_of(contract) for contract in contracts] == [
        EXPIRED,
        EXPIRED,
        ACTIVE,
        EXPIRED,
        EXPIRED,
    ]
    assert not ContractEvent.objects.filter(contract=bad).exists()
    assert not AuditEntry.objects.filter(entity="contract", entity_id=str(bad.pk)).exists()
    # The next run takes it once the fault is gone.
    monkeypatch.setattr(expiry, "_events_insert", insert)
    assert contracts_expire(caller=EXPIRY_CALLER, on=TERM_END) == 1


def test_a_fault_in_every_row_stops_the_run(presets, monkeypatch):
    for _ in range(6):
        contract_make()

    def refusing(rows):
        raise IntegrityError("refused by the database")

    monkeypatch.setattr(expiry, "_events_insert", refusing)
    monkeypatch.setattr(expiry, "MAX_FAILED", 2)
    counts = row_counts()

    with pytest.raises(ExpiryIncomplete) as incomplete:
        contracts_expire(caller=EXPIRY_CALLER, on=TERM_END, chunk_size=2)

    # The first chunk fails row by row (2), the second too (4 > 2): the run stops there.
    assert (incomplete.value.expired, len(incomplete.value.failed)) == (0, 4)
    assert row_counts() == counts


def test_the_run_needs_a_caller(presets):
    contract_make()
    counts = row_counts()

    with pytest.raises(TypeError):
        contracts_expire(caller=None, on=TERM_END)

    assert row_counts() == counts


def test_any_caller_is_recorded(presets):
    contract = contract_make()
    retailer = retailer_make()

    contracts_expire(caller=Caller.retailer(retailer), on=TERM_END)

    entry = AuditEntry.objects.get(entity="contract", entity_id=str(contract.pk))
    # The tenant is the contract's retailer, whoever ran the expiry.
    assert (entry.actor_label, entry.retailer_id) == (
        f"retailer:{retailer.pk}",
        contract.retailer_id,
    )


def test_the_task_expires_what_is_due_on_its_day(presets):
    contract = contract_make()

    assert contracts_expire_task.call(on="2027-02-28") == 0
    assert contracts_expire_task.call(on="2027-03-01") == 1

    assert status_of(contract) == EXPIRED


def test_the_task_uses_the_platforms_today(presets):
    contract = contract_make()

    with clock_set(TERM_END):
        assert contracts_expire_task.call() == 1

    assert status_of(contract) == EXPIRED


def test_the_command_expires_on_the_given_day(presets):
    contract = contract_make()
    out = io.StringIO()

    with clock_set(dt.date(2027, 3, 5)):
        call_command("expire_contracts", "--on", "2027-03-01", "--chunk-size", "1", stdout=out)

    assert "1 contracts expired on 2027-03-01" in out.getvalue()
    assert status_of(contract) == EXPIRED


def test_the_command_hands_the_run_to_the_task_worker(presets):
    from django_tasks_db.models import DBTaskResult

    contract = contract_make()
    out = io.StringIO()

    with clock_set(TERM_END):
        call_command("expire_contracts", "--enqueue", stdout=out)

    queued = DBTaskResult.objects.get()
    assert queued.task_path == "gemcare.contracts.tasks.contracts_expire_task"
    assert queued.args_kwargs == {"args": [], "kwargs": {"on": "2027-03-01"}}
    assert status_of(contract) == ACTIVE  # not run here: the worker runs it
    assert "enqueued" in out.getvalue()


def test_the_command_refuses_a_day_still_ahead(presets):
    from django.core.management import CommandError

    contract_make()
    counts = row_counts()

    with clock_set(dt.date(2027, 2, 28)), pytest.raises(CommandError, match="--on must lie"):
        call_command("expire_contracts", "--on", "2027-03-01")

    assert row_counts() == counts


def test_the_command_refuses_a_date_that_is_not_one(presets):
    from django.core.management import CommandError

    contract_make()
    counts = row_counts()

    with pytest.raises(CommandError, match="--on must be a date"):
        call_command("expire_contracts", "--on", "3000-02-30")

    assert row_counts() == counts


# --- PostgreSQL: a contract locked by a claim is skipped, never waited for -------------------


@pytest.fixture
def committed_presets(transactional_db):
    presets_load(caller=Caller.system("presets"))


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_a_contract_locked_by_a_claim_is_left_for_the_next_run(committed_presets):
    store = store_make()
    contracts = [contract_make(store=store) for _ in range(5)]
    busy = contracts[1]
    locked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def claim_in_progress() -> None:
        # What a claim filed on `busy` does: lock the contract and hold it until it commits.
        try:
            with transaction.atomic():
                contract_lock(busy.pk)
                locked.set()
                release.wait(timeout=30)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=claim_in_progress)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        with connection.cursor() as cursor:
            # Were the run to wait for the lock, it would fail here instead of hanging.
            cursor.execute("SET lock_timeout = '5s'")
        try:
            expired = contracts_expire(caller=EXPIRY_CALLER, on=TERM_END, chunk_size=2)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        release.set()
        thread.join(timeout=30)

    assert errors == []
    assert expired == 4
    assert [status_of(contract) for contract in contracts] == [
        EXPIRED,
        ACTIVE,
        EXPIRED,
        EXPIRED,
        EXPIRED,
    ]
    assert not ContractEvent.objects.filter(contract=busy).exists()
    # The claim has committed: the next run expires it.
    assert contracts_expire(caller=EXPIRY_CALLER, on=TERM_END) == 1
    assert status_of(busy) == EXPIRED

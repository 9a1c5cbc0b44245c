"""The daily expiry: term plans whose term is over become `expired` (RULEBOOK §0 and §3).

A term of N years from `start` covers `start <= d < start + N years`, so a contract expires ON
`term_ends_on`, the first day no longer covered: it is due on any day `on >= term_ends_on`.
Lifetime plans have no `term_ends_on` and never expire here.

Why it works in chunks. The run touches a large share of all contracts on the day a season of
sales ends, while claims and cancellations keep arriving. So:

- what is due is selected in SQL through the partial index `contract_expiry_due`, never by
  loading contracts into Python;
- each chunk is its own short transaction that locks only its own rows, with
  `SKIP LOCKED`: a contract locked right now (a claim being filed on it) is left for the next
  run instead of waited for, and since the run never waits for a row lock it can never
  deadlock with the claim path, whatever order that path locks in;
- the lock re-reads each row, so a contract cancelled since the selection is not expired;
- a chunk the database refuses is retried one contract at a time, so one bad row costs only
  itself: every other chunk and contract is committed, and the run then raises
  `ExpiryIncomplete` naming the contracts it could not expire (the task and the command fail
  visibly instead of reporting a clean run); past `MAX_FAILED` such contracts it stops, since
  the fault is then not in a row.

One audit entry per contract, not per chunk: an audit entry names one entity and one tenant,
and a chunk mixes many retailers' contracts; per contract, a contract's history and a
retailer's history read straight from the (entity, entity_id) index and the tenant column. The
entries are written by one INSERT ... SELECT per chunk, with the fields `audit_record` writes.
"""

import datetime as dt
import json
import logging

from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.utils import timezone

from gemcare.common.callers import Caller, caller_required
from gemcare.common.models import AuditEntry
from gemcare.contracts.models import ACTIVE, EXPIRED, TRANSITIONS, Contract, ContractEvent

logger = logging.getLogger(__name__)

EXPIRY_CALLER = Caller.system("contract_expiry")
ACTION = "contract_expired"
EVENT_KIND = "expired"
CHUNK_SIZE = 1000
# Past this many contracts refused one by one, the fault is not in a row but in the database
# or the code: the run stops instead of logging every due contract as failed.
MAX_FAILED = 100

assert EXPIRED in TRANSITIONS[ACTIVE], "the expiry moves active contracts to expired"


class ExpiryIncomplete(Exception):
    """Some due contracts could not be expired; every other one was, and stays committed."""

    def __init__(self, *, expired: int, failed: list[int]) -> None:
        self.expired = expired
        self.failed = failed
        shown = ", ".join(str(contract_id) for contract_id in failed[:20])
        more = f" and {len(failed) - 20} more" if len(failed) > 20 else ""
        super().__init__(
            f"{expired} contracts expired; {len(failed)} could not be (ids {shown}{more})."
        )


def contracts_due(*, on: dt.date):
    """Active term contracts whose term is over on `on`, in the order the run takes them."""
    return Contract.objects.filter(
        status=ACTIVE, term_ends_on__isnull=False, term_ends_on__lte=on
    ).order_by("term_ends_on", "pk")


def contracts_expire(*, caller: Caller, on: dt.date, chunk_size: int = CHUNK_SIZE) -> int:
    """Expire every active contract whose term ended on or before `on`; returns how many.

    Run it outside a transaction (the task and the command do): each chunk commits on its own.
    Inside one (a test), each chunk is a savepoint instead. Re-running is harmless: an expired
    contract is no longer due.
    """
    caller_required(caller)
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    expired = 0
    failed: list[int] = []
    after: tuple[dt.date, int] | None = None
    while True:
        try:
            with transaction.atomic():
                rows = _chunk_lock(on=on, after=after, size=chunk_size)
                if rows:
                    _chunk_expire(rows, caller=caller)
        except DatabaseError:
            # The chunk rolled back as a whole; find the row at fault, one contract at a time.
            logger.exception(
                "Expiry chunk after %s failed; retrying it contract by contract", after
            )
            rows = _chunk_read(on=on, after=after, size=chunk_size)
            done, bad = _expire_one_by_one(rows, on=on, caller=caller)
            expired += done
            failed.extend(bad)
            if len(failed) > MAX_FAILED:
                logger.error("Expiry stopped: %s contracts refused", len(failed))
                break
        else:
            expired += len(rows)
        if len(rows) < chunk_size:
            break
        last = rows[-1]
        after = (last[2], last[0])
    logger.info("Expired %s contracts due on %s (%s failed)", expired, on, len(failed))
    if failed:
        raise ExpiryIncomplete(expired=expired, failed=failed)
    return expired


# Each row: (id, retailer_id, term_ends_on, last_event_on).
ROW_FIELDS = ("pk", "retailer_id", "term_ends_on", "last_event_on")


def _after(query, after: tuple[dt.date, int] | None):
    """Keyset pagination on (term_ends_on, id): each chunk starts where the last one ended,
    so rows skipped as locked are passed over instead of read again and again. A row
    comparison, so that the index bounds the scan (see claims.selectors._queue_page)."""
    if after is None:
        return query
    return query.filter(TupleGreaterThan(Tuple(F("term_ends_on"), F("pk")), tuple(after)))


def _chunk_lock(*, on: dt.date, after, size: int) -> list[tuple]:
    query = _after(contracts_due(on=on), after).select_for_update(skip_locked=True)
    return list(query.values_list(*ROW_FIELDS)[:size])


def _chunk_read(*, on: dt.date, after, size: int) -> list[tuple]:
    return list(_after(contracts_due(on=on), after).values_list(*ROW_FIELDS)[:size])


def _chunk_expire(rows: list[tuple], *, caller: Caller) -> None:
    """Expire locked rows: the status, the latest event date, the events, the audit entries.

    Three set-based statements per chunk, each taking the chunk's ids as one parameter: a
    chunk costs the same few statements whatever its size, and nothing per contract is built
    in Python (at 1M contracts, building rows was most of the run's time)."""
    connection = connections[Contract.objects.db]
    ids = [row[0] for row in rows]
    contract = _names(Contract, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {contract['_table']} SET {contract['status']} = %s, "
            f"{contract['last_event_on']} = CASE WHEN {contract['term_ends_on']} > "
            f"{contract['last_event_on']} THEN {contract['term_ends_on']} "
            f"ELSE {contract['last_event_on']} END "
            f"WHERE {contract['id']} {_in_chunk(connection)}",
            [EXPIRED, _chunk_param(connection, ids)],
        )
    _events_insert(rows)
    _audit_insert(ids, caller=caller, connection=connection)


def _events_insert(rows: list[tuple]) -> None:
    # The event is dated the day the term ended, which may lie before a claim filed since
    # (a late claim after the term): the term's end is a fact, not a new act, so it is not
    # held to the date order of RULEBOOK §3, and last_event_on keeps the later of the two.
    connection = connections[ContractEvent.objects.db]
    event, contract = _names(ContractEvent, connection), _names(Contract, connection)
    at = ContractEvent._meta.get_field("at").get_db_prep_save(timezone.now(), connection)
    data = ContractEvent._meta.get_field("data").get_db_prep_save({}, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {event['_table']} ({event['contract']}, {event['at']}, {event['on']}, "
            f"{event['kind']}, {event['from_status']}, {event['to_status']}, {event['data']}) "
            f"SELECT {contract['id']}, %s, {contract['term_ends_on']}, %s, %s, %s, %s "
            f"FROM {contract['_table']} WHERE {contract['id']} {_in_chunk(connection)}",
            [at, EVENT_KIND, ACTIVE, EXPIRED, data, _chunk_param(connection, [r[0] for r in rows])],
        )


def _audit_insert(ids: list[int], *, caller: Caller, connection) -> None:
    """One entry per contract, as `audit_record` writes it, in one statement."""
    entry, contract = _names(AuditEntry, connection), _names(Contract, connection)
    at = AuditEntry._meta.get_field("at").get_db_prep_save(timezone.now(), connection)
    if connection.vendor == "postgresql":
        data = f"jsonb_build_object('term_ended_on', {contract['term_ends_on']})"
    else:
        data = f"json_object('term_ended_on', {contract['term_ends_on']})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {entry['_table']} ({entry['at']}, {entry['actor']}, "
            f"{entry['actor_label']}, {entry['retailer']}, {entry['action']}, {entry['entity']}, "
            f"{entry['entity_id']}, {entry['data']}) "
            f"SELECT %s, %s, %s, {contract['retailer']}, %s, %s, "
            f"CAST({contract['id']} AS TEXT), {data} "
            f"FROM {contract['_table']} WHERE {contract['id']} {_in_chunk(connection)}",
            [
                at,
                caller.user_id,
                caller.label,
                ACTION,
                Contract._meta.model_name,
                _chunk_param(connection, ids),
            ],
        )


def _names(model, connection) -> dict[str, str]:
    """The model's quoted table and column names, from models.py (by field name)."""
    quote = connection.ops.quote_name
    names = {field.name: quote(field.column) for field in model._meta.concrete_fields}
    return names | {"_table": quote(model._meta.db_table)}


def _in_chunk(connection) -> str:
    if connection.vendor == "postgresql":
        return "= ANY(%s)"  # one array parameter
    return "IN (SELECT value FROM json_each(%s))"  # SQLite: one JSON list parameter


def _chunk_param(connection, ids: list[int]):
    return ids if connection.vendor == "postgresql" else json.dumps(ids)


def _expire_one_by_one(rows: list[tuple], *, on: dt.date, caller: Caller) -> tuple[int, list[int]]:
    expired, failed = 0, []
    for contract_id, *_ in rows:
        try:
            with transaction.atomic():
                locked = list(
                    contracts_due(on=on)
                    .filter(pk=contract_id)
                    .select_for_update(skip_locked=True)
                    .values_list(*ROW_FIELDS)
                )
                if locked:
                    _chunk_expire(locked, caller=caller)
                    expired += 1
        except DatabaseError:
            logger.exception("Contract %s could not be expired", contract_id)
            failed.append(contract_id)
    return expired, failed

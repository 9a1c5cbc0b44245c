"""Idempotency keys: a partner may retry a request, and the first answer is replayed.

A point of sale that loses its connection mid-request does not know whether the sale landed.
It sends the request again with the same `Idempotency-Key`; the platform answers as it did the
first time instead of doing the work twice. Keys belong to a tenant and a mode (a test key's
keys never meet a live key's), are kept `GEMCARE_IDEMPOTENCY_HOURS` (48 by default, at least
24), and are removed by the daily `idempotency_keys_expire`.

For one tenant, mode and key:
- no row yet: the request claims the key, does the work, and records its answer ("done");
- the same request again (same method, path and canonical body): the stored answer is
  replayed, whatever its status;
- a different request: `idempotency_key_reused` (422), nothing is done;
- the same request while the first is still working: `idempotency_in_flight` (409).

Every answer the work gives is recorded, refusals included (a `duplicate_sale` is replayed as a
`duplicate_sale`), so a retry always gets the first answer. Work that fails without an answer
(an unexpected error) leaves the key free: nothing was written, and the retry runs afresh.

One transaction per answer (docs/decisions/0021-api-hot-path.md): the claim, the work and the
recorded answer commit together, so a sale costs one commit, and work that fails rolls the
claim back with it. A concurrent request must still see the claim at once, before that
commit:
- on PostgreSQL the claim is a transaction-level advisory lock on the tenant, mode and key,
  taken with `pg_try_advisory_xact_lock` (never waiting), and with it one on the key and the
  request's fingerprint. A request that finds the key's lock held reads `pg_locks` (taking
  nothing): its own fingerprint's lock held means the same request is working (409), else
  another request holds the key (422). Locks end with the transaction, so a process that
  dies frees its key at once. The unique row per key is the last guard: a request that took
  the lock just as another committed, before its own read could see that row, fails to
  record its answer, rolls its work back and replays the row.
- on SQLite every write transaction holds the database (`transaction_mode=IMMEDIATE`): a
  concurrent request waits for the first to commit, then replays its answer.
A row still "in flight" (written by the previous design, which committed the claim on its
own first) answers 409 until `GEMCARE_IDEMPOTENCY_IN_FLIGHT_SECONDS` (60), and is then taken
over.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from gemcare.common.errors import ErrorCode, InvalidInput, Refused
from gemcare.common.models import IdempotencyKey
from gemcare.common.round_trips import insert_committing, reads_together
from gemcare.common.statements import (
    BoundRead,
    CompiledInsert,
    CompiledRead,
    column,
    constraint_broken,
    model_fields,
    table,
)

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
KEY_RULE = "is required: 1 to 255 printable characters, the same on every retry"
DELETE_CHUNK = 1000


class IdempotencyError(ErrorCode):
    KEY_REQUIRED = (
        "idempotency_key_required",
        "This request needs an Idempotency-Key header (1 to 255 printable characters).",
    )
    KEY_REUSED = (
        "idempotency_key_reused",
        "This Idempotency-Key was already used with a different request.",
    )
    IN_FLIGHT = (
        "idempotency_in_flight",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
    )


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """An answer as it is kept and replayed: status, JSON body, and the headers that matter
    (never the per-request ones such as a request id)."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def retention() -> dt.timedelta:
    return dt.timedelta(hours=max(24, int(getattr(settings, "GEMCARE_IDEMPOTENCY_HOURS", 48))))


def in_flight_limit() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "GEMCARE_IDEMPOTENCY_IN_FLIGHT_SECONDS", 60)))


def idempotency_key_checked(value: str | None) -> str:
    """The header's value, or `idempotency_key_required` (422) when it is missing or is not
    1 to 255 printable ASCII characters."""
    key = (value or "").strip()
    if not key or len(key) > KEY_MAX_LENGTH or not (key.isascii() and key.isprintable()):
        raise InvalidInput(
            HEADER,
            None,
            KEY_RULE,
            code=IdempotencyError.KEY_REQUIRED,
        )
    return key


def request_fingerprint(method: str, path: str, body: bytes | str | Any) -> str:
    """SHA-256 of the method, the path and the body in canonical form: JSON with its keys
    sorted and no spaces, so that the same request sent twice matches however it is laid
    out. A body that is not JSON is hashed as it came."""
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body or "null")
        except (ValueError, UnicodeDecodeError):
            raw = body if isinstance(body, bytes) else body.encode()
            body = {"raw": hashlib.sha256(raw).hexdigest()}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256()
    for part in (method.upper(), path, canonical):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def idempotent_call(
    *,
    retailer_id: int,
    is_test: bool,
    key: str,
    fingerprint: str,
    respond: Callable[[], StoredResponse],
    reads: Sequence[BoundRead] = (),
) -> tuple[StoredResponse, bool]:
    """Answer a request once per key: `respond()` does the work and returns its answer
    (refusals included, as the caller maps them). Returns (answer, replayed). `reads`, the
    reads the work will make, are made with the claim, in its round trip (`reads_together`).

    Raises `idempotency_key_reused` (422) or `idempotency_in_flight` (409). Called outside
    any transaction (the API's requests are not atomic): inside one, the recorded answer
    would only be seen once that transaction ends."""
    scope = KeyScope(retailer_id=retailer_id, is_test=is_test, key=key)
    refusal = None  # the work's answer, once its writes had to be rolled back
    # A few rounds at most: a round answers, or lost a race to record the key, or found it
    # held by a request that then finished, or rolled back a refusal to record it afresh;
    # the next one reads what was recorded.
    for _ in range(4):
        try:
            claim = _CLAIM.bound(_claim_params(scope, fingerprint))
            # The claim carries the work's reads; the kept answer goes with the COMMIT.
            with transaction.atomic(), reads_together([claim, *reads]):
                claimed = _claim(scope, fingerprint)
                if isinstance(claimed, StoredResponse):
                    return claimed, True
                if isinstance(claimed, _Claimed):
                    response = refusal if refusal is not None else _work(respond)
                    _record(scope, fingerprint, claimed, response)
                    return response, False
        except IntegrityError as error:
            if not constraint_broken(error, IdempotencyKey, KEY_CONSTRAINT):
                raise
            continue
        except _RolledBack as rolled_back:
            refusal = rolled_back.response
            continue
        except _Superseded:
            continue
        same_request, key_held = _holders(scope, fingerprint)
        if same_request:
            raise Refused(IdempotencyError.IN_FLIGHT, IdempotencyError.IN_FLIGHT.words)
        if key_held:
            raise _reused()
    raise Refused(IdempotencyError.IN_FLIGHT, IdempotencyError.IN_FLIGHT.words)


_working: ContextVar[bool] = ContextVar("gemcare_idempotent_work", default=False)


def in_idempotent_work() -> bool:
    """Whether this runs as the work of `idempotent_call`, whose transaction is rolled back
    whole when the work refuses after writing, the refusal then recorded on its own: a
    service that writes before it may refuse (the sale, whose receipt-line constraint
    decides at its insert) needs no savepoint of its own there, and saves its two
    statements. Only for a service whose refusal ends the work: after it nothing more may
    be done in the transaction (Django refuses any further query)."""
    return _working.get()


def _work(respond: Callable[[], StoredResponse]) -> StoredResponse:
    token = _working.set(True)
    try:
        response = respond()
    finally:
        _working.reset(token)
    if transaction.get_rollback():
        # The work refused inside an atomic block without a savepoint: what it wrote must
        # go, and with it this transaction.
        raise _RolledBack(response)
    return response


class _RolledBack(Exception):
    """The work's transaction must roll back; its answer (a refusal) is recorded after."""

    def __init__(self, response: StoredResponse) -> None:
        super().__init__("the work refused after writing")
        self.response = response


@dataclass(frozen=True, slots=True)
class KeyScope:
    retailer_id: int
    is_test: bool
    key: str

    def lock_ids(self, fingerprint: str) -> tuple[int, int]:
        """The advisory locks of the key, and of the key with this request's fingerprint:
        64-bit numbers from SHA-256, in a namespace of their own."""
        base = f"gemcare.idempotency\0{self.retailer_id}\0{int(self.is_test)}\0{self.key}"
        return _lock_id(base), _lock_id(f"{base}\0{fingerprint}")


def _lock_id(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True)


class _Superseded(Exception):
    """A row taken over was answered meanwhile by the request that held it before."""


KEY_CONSTRAINT = "idempotency_key_per_tenant"
# In the model's field order: the order `Model.from_db` takes values in.
_ROW_FIELDS = model_fields(
    IdempotencyKey,
    "id",
    "fingerprint",
    "state",
    "created_at",
    "claimed_at",
    "response_status",
    "response_body",
    "response_headers",
)


def _claim_sql(connection) -> str:
    quote = connection.ops.quote_name

    def row(name: str) -> str:
        return "k." + column(IdempotencyKey, name, quote)

    if connection.vendor == "postgresql":
        # The key's lock, then (only once it is this request's) its fingerprint's: NULL
        # when another transaction holds the key. Neither waits.
        lock = (
            "CASE WHEN pg_try_advisory_xact_lock(%s::bigint)"
            " THEN pg_try_advisory_xact_lock(%s::bigint) END"
        )
    else:
        # The transaction holds the whole database: the key is this request's already.
        lock = "%s IS NOT NULL AND %s IS NOT NULL"
    return (
        f"SELECT {lock}, {', '.join(row(name) for name in _ROW_FIELDS)}"
        f" FROM (SELECT 1) one LEFT OUTER JOIN {table(IdempotencyKey, quote)} k"
        f" ON {row('retailer')} = %s AND {row('is_test')} = %s AND {row('key')} = %s"
    )


_CLAIM = CompiledRead(
    _claim_sql, [None, *(IdempotencyKey._meta.get_field(name) for name in _ROW_FIELDS)]
)
_KEYS = CompiledInsert(IdempotencyKey)


@dataclass(frozen=True, slots=True)
class _Claimed:
    """The key is this request's: `row` is the one to record the answer on (a row past its
    time, or one whose process died), None for a new row."""

    row: IdempotencyKey | None = None
    expired: bool = False


_HELD = object()  # another transaction holds the key


def _claim_params(scope: KeyScope, fingerprint: str) -> tuple:
    return (*scope.lock_ids(fingerprint), scope.retailer_id, scope.is_test, scope.key)


def _claim(scope: KeyScope, fingerprint: str) -> StoredResponse | _Claimed | object:
    """Claim the key for this transaction; or the answer to replay; or `_HELD`. Refuses
    another request's key (422) and a row still in flight (409)."""
    locked, *values = _CLAIM.fetchone(_claim_params(scope, fingerprint))
    holds_key = locked is not None
    now = timezone.now()
    existing = None
    if values[0] is not None:
        existing = IdempotencyKey.from_db(_CLAIM.using, _ROW_FIELDS, values)
    if existing is not None and existing.created_at < now - retention():
        # Kept past its time and not yet cleaned up: the key is free again.
        return _Claimed(row=existing, expired=True) if holds_key else _HELD
    if existing is not None and existing.fingerprint != fingerprint:
        raise _reused()
    if existing is not None and existing.state == IdempotencyKey.DONE:
        return StoredResponse(
            status=existing.response_status,
            body=existing.response_body,
            headers=dict(existing.response_headers),
        )
    if not holds_key:
        return _HELD
    if existing is not None and existing.claimed_at >= now - in_flight_limit():
        raise Refused(IdempotencyError.IN_FLIGHT, IdempotencyError.IN_FLIGHT.words)
    return _Claimed(row=existing)


def _holders_sql(connection) -> str:
    lock = "classid = %s::bigint::oid AND objid = %s::bigint::oid"
    return (
        f"SELECT COALESCE(bool_or({lock}), false), COALESCE(bool_or({lock}), false)"
        " FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )


_HOLDERS = CompiledRead(_holders_sql, [None, None])


def _holders(scope: KeyScope, fingerprint: str) -> tuple[bool, bool]:
    """Who holds the key now (on PostgreSQL, the transaction that took its lock): (this
    same request, any request). Both False: it has just finished. Read without locking."""
    key_lock, fingerprint_lock = scope.lock_ids(fingerprint)
    same, held = _HOLDERS.fetchone([*_halves(fingerprint_lock), *_halves(key_lock)])
    return bool(same), bool(held)


def _halves(lock_id: int) -> tuple[int, int]:
    """A 64-bit advisory lock as pg_locks shows it: its high and low 32 bits."""
    return (lock_id >> 32) & 0xFFFFFFFF, lock_id & 0xFFFFFFFF


def _reused() -> InvalidInput:
    return InvalidInput(
        HEADER,
        None,
        "was already used with a different request: use a new key for a new request",
        code=IdempotencyError.KEY_REUSED,
    )


def _record(scope: KeyScope, fingerprint: str, claimed: _Claimed, response: StoredResponse):
    now = timezone.now()
    answer = {
        "state": IdempotencyKey.DONE,
        "response_status": response.status,
        "response_body": response.body,
        "response_headers": dict(response.headers),
        "completed_at": now,
    }
    if claimed.row is None:
        row = _KEYS.row(
            retailer_id=scope.retailer_id,
            is_test=scope.is_test,
            key=scope.key,
            fingerprint=fingerprint,
            created_at=now,
            claimed_at=now,
            **answer,
        )
        # The last write of the answer's transaction: sent with its COMMIT where that saves
        # a round trip. A request that recorded the key first breaks its unique key here.
        insert_committing(_KEYS, [row])
        return
    # Rare: the row is replaced only if it is still as it was read.
    row = IdempotencyKey.objects.filter(pk=claimed.row.pk)
    if claimed.expired:
        replaced = row.filter(created_at=claimed.row.created_at).update(
            fingerprint=fingerprint, created_at=now, claimed_at=now, **answer
        )
    else:
        replaced = row.filter(
            state=IdempotencyKey.IN_FLIGHT, claimed_at=claimed.row.claimed_at
        ).update(claimed_at=now, **answer)
    if not replaced:
        raise _Superseded


def idempotency_keys_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the keys kept past `GEMCARE_IDEMPOTENCY_HOURS`, in short chunks (the daily
    task). Returns how many were removed."""
    cutoff = (now or timezone.now()) - retention()
    removed = 0
    while True:
        chunk = list(
            IdempotencyKey.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[
                :DELETE_CHUNK
            ]
        )
        if not chunk:
            return removed
        removed += IdempotencyKey.objects.filter(pk__in=chunk).delete()[0]

"""Idempotency keys: a partner may retry a request, and the first answer is replayed.

A point of sale that loses its connection mid-request does not know whether the sale landed.
It sends the request again with the same `Idempotency-Key`; the platform answers as it did the
first time instead of doing the work twice. Keys belong to a tenant and a mode (a test key's
keys never meet a live key's), are kept `GEMCARE_IDEMPOTENCY_HOURS` (48 by default, at least
24), and are removed by the daily `idempotency_keys_expire`.

For one tenant, mode and key:
- no row yet: the request claims the key (a row "in flight", written and committed in its own
  short transaction before the work starts, so a concurrent request sees it at once), does the
  work, and records its answer ("done");
- the same request again (same method, path and canonical body): the stored answer is
  replayed, whatever its status;
- a different request: `idempotency_key_reused` (422), nothing is done;
- the same request while the first is still working: `idempotency_in_flight` (409).

Every answer the work gives is recorded, refusals included (a `duplicate_sale` is replayed as a
`duplicate_sale`), so a retry always gets the first answer. Work that fails without an answer
(an unexpected error) releases the key: nothing was written, and the retry runs afresh. A claim
whose process died is taken over after `GEMCARE_IDEMPOTENCY_IN_FLIGHT_SECONDS` (60); only the
request holding the current claim may record an answer.

The claim must be made outside any transaction (the API's requests are not atomic): inside
one, a concurrent request would not see it until that transaction ends.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from gemcare.common.errors import ErrorCode, InvalidInput, Refused
from gemcare.common.models import IdempotencyKey

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


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    """What claiming a key gave: the row to record the answer on, or the answer to replay."""

    record: IdempotencyKey | None = None
    replay: StoredResponse | None = None


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


def idempotency_claim(
    *, retailer_id: int, is_test: bool, key: str, fingerprint: str
) -> IdempotencyClaim:
    """Claim `key` for a request, or find the answer already given to it (see the module).

    Raises `idempotency_key_reused` (422) or `idempotency_in_flight` (409)."""
    scope = {"retailer_id": retailer_id, "is_test": is_test, "key": key}
    # A few rounds at most: each one either claims, answers, or saw a row vanish (released
    # or expired) between the insert and the read.
    for _ in range(3):
        now = timezone.now()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    **scope, fingerprint=fingerprint, created_at=now, claimed_at=now
                )
            return IdempotencyClaim(record=record)
        except IntegrityError:
            pass
        existing = IdempotencyKey.objects.filter(**scope).first()
        if existing is None:
            continue
        if existing.created_at < now - retention():
            # Kept past its time and not yet cleaned up: the key is free again.
            IdempotencyKey.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
            continue
        if existing.fingerprint != fingerprint:
            raise InvalidInput(
                HEADER,
                None,
                "was already used with a different request: use a new key for a new request",
                code=IdempotencyError.KEY_REUSED,
            )
        if existing.state == IdempotencyKey.DONE:
            return IdempotencyClaim(
                replay=StoredResponse(
                    status=existing.response_status,
                    body=existing.response_body,
                    headers=dict(existing.response_headers),
                )
            )
        if existing.claimed_at < now - in_flight_limit():
            taken = IdempotencyKey.objects.filter(
                pk=existing.pk, state=IdempotencyKey.IN_FLIGHT, claimed_at=existing.claimed_at
            ).update(claimed_at=now)
            if taken:
                existing.claimed_at = now
                return IdempotencyClaim(record=existing)
            continue
        raise Refused(IdempotencyError.IN_FLIGHT, IdempotencyError.IN_FLIGHT.words)
    raise Refused(IdempotencyError.IN_FLIGHT, IdempotencyError.IN_FLIGHT.words)


def _held(record: IdempotencyKey):
    return IdempotencyKey.objects.filter(
        pk=record.pk, state=IdempotencyKey.IN_FLIGHT, claimed_at=record.claimed_at
    )


def idempotency_complete(record: IdempotencyKey, response: StoredResponse) -> bool:
    """Record the answer on a claimed key; False if the claim was taken over meanwhile."""
    done = _held(record).update(
        state=IdempotencyKey.DONE,
        response_status=response.status,
        response_body=response.body,
        response_headers=dict(response.headers),
        completed_at=timezone.now(),
    )
    return bool(done)


def idempotency_release(record: IdempotencyKey) -> None:
    """Give a claimed key back after work that failed without an answer."""
    _held(record).delete()


def idempotent_call(
    *,
    retailer_id: int,
    is_test: bool,
    key: str,
    fingerprint: str,
    respond: Callable[[], StoredResponse],
) -> tuple[StoredResponse, bool]:
    """Answer a request once per key: `respond()` does the work and returns its answer
    (refusals included, as the caller maps them). Returns (answer, replayed)."""
    claim = idempotency_claim(
        retailer_id=retailer_id, is_test=is_test, key=key, fingerprint=fingerprint
    )
    if claim.replay is not None:
        return claim.replay, True
    try:
        response = respond()
    except BaseException:
        idempotency_release(claim.record)
        raise
    idempotency_complete(claim.record, response)
    return response, False


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

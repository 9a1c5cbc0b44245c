"""Who calls the API: a retailer's key, read from `Authorization: Bearer <key>`.

A missing, malformed, unknown or revoked key all answer 401 with one body; the secret is
compared in constant time, and an unknown prefix costs the same hash and comparison as a
known one, so the answer's timing does not tell them apart
(docs/decisions/0017-api-keys-and-rate-limit.md).

Every request reads its key's row again, so a revoked key (or an inactive retailer's) is
refused from the next request on: one indexed read by the prefix, through a statement built
once per process (docs/decisions/0021-api-hot-path.md), not a query compiled per request.
"""

import datetime as dt
import hmac
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from gemcare.api.errors import ApiError, ApiErrorCode
from gemcare.common.callers import RETAILER, Caller
from gemcare.common.statements import CompiledRead, column, model_fields, table
from gemcare.partners.models import ApiKey, Retailer, Store
from gemcare.partners.services import key_parts, secret_hash

# A busy point of sale calls many times a second: the last-used time is written at most
# this often per key.
LAST_USED_EVERY = dt.timedelta(minutes=1)
_NO_KEY_HASH = secret_hash("no such key")


@dataclass(frozen=True, slots=True)
class ApiCaller:
    caller: Caller
    key: ApiKey
    scopes: frozenset[str]
    is_test: bool


def key_caller(key: ApiKey) -> ApiCaller:
    caller = Caller(
        RETAILER,
        f"api_key:{key.pk}",
        retailer_id=key.retailer_id,
        store_id=key.store_id,
    )
    return ApiCaller(caller=caller, key=key, scopes=key.scope_set, is_test=key.is_test)


def key_touch(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_EVERY:
        return
    # The condition in the UPDATE keeps concurrent requests from each writing.
    ApiKey.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY), pk=key.pk
    ).update(last_used_at=now)
    key.last_used_at = now


# What a request needs of its key: the caller it makes, its scopes and mode, and when it was
# last used. The store, when the key has one, must be its retailer's.
_KEY_FIELDS = model_fields(
    ApiKey, "id", "retailer_id", "store_id", "scopes", "is_test", "secret_hash", "last_used_at"
)


def _key_sql(connection) -> str:
    quote = connection.ops.quote_name

    def key(name: str) -> str:
        return "k." + column(ApiKey, name, quote)

    columns = ", ".join(key(name) for name in _KEY_FIELDS)
    retailer_id, store_id = column(Retailer, "id", quote), column(Store, "id", quote)
    return (
        f"SELECT {columns} FROM {table(ApiKey, quote)} k"
        f" INNER JOIN {table(Retailer, quote)} r ON r.{retailer_id} = {key('retailer')}"
        f" LEFT OUTER JOIN {table(Store, quote)} s ON s.{store_id} = {key('store')}"
        f" WHERE {key('prefix')} = %s AND {key('revoked_at')} IS NULL"
        f" AND r.{column(Retailer, 'is_active', quote)} = %s"
        f" AND (s.{store_id} IS NULL OR s.{column(Store, 'retailer', quote)} = {key('retailer')})"
    )


_KEY_BY_PREFIX = CompiledRead(_key_sql, [ApiKey._meta.get_field(name) for name in _KEY_FIELDS])


def key_by_prefix(prefix: str) -> ApiKey | None:
    """The usable key with this prefix: not revoked, of an active retailer; else None."""
    values = _KEY_BY_PREFIX.fetchone([prefix, True])
    if values is None:
        return None
    key = ApiKey.from_db(connection.alias, _KEY_FIELDS, values)
    key.prefix = prefix
    return key


def key_authenticate(token: str) -> ApiCaller | None:
    parts = key_parts(token)
    if parts is None:
        return None
    is_test, prefix, secret = parts
    key = key_by_prefix(prefix)
    expected = key.secret_hash if key is not None else _NO_KEY_HASH
    matches = hmac.compare_digest(expected.encode(), secret_hash(secret).encode())
    if key is None or not matches or key.is_test != is_test:
        return None
    key_touch(key)
    return key_caller(key)


class ApiKeyAuth(HttpBearer):
    """ninja's bearer scheme (so the OpenAPI document says so), reading the header itself:
    ninja's own logs an unexpected header's value, which may be a key.

    With `scope`, a key without it is refused 403 before the body is read, so a request the
    key may not make is not checked, and answered, field by field.
    """

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiCaller | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or len(token) > 200:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiCaller | None:
        found = key_authenticate(token)
        if found is not None:
            # For the request log: the key's id, never anything about the holder.
            request.api_key_id = found.key.pk
            if self.scope is not None and self.scope not in found.scopes:
                raise scope_missing(self.scope)
        return found


def require_scope(request: HttpRequest, scope: str) -> ApiCaller:
    """The caller, if its key has `scope`; else 403 `scope_missing`."""
    auth = request.auth
    if not isinstance(auth, ApiCaller) or scope not in auth.scopes:
        raise scope_missing(scope)
    return auth


def scope_missing(scope: str) -> ApiError:
    return ApiError(
        403, ApiErrorCode.SCOPE_MISSING, f"This endpoint needs a key with the {scope!r} scope."
    )


def scoped(scope: str) -> ApiKeyAuth:
    """The `auth` of an endpoint (or router) that needs `scope`: `auth=scoped("sales")`."""
    return ApiKeyAuth(scope)


def api_caller(request: HttpRequest) -> ApiCaller:
    """The caller of an endpoint that needs no particular scope."""
    auth = request.auth
    if not isinstance(auth, ApiCaller):
        raise ApiError(
            401, ApiErrorCode.UNAUTHORIZED, headers={"WWW-Authenticate": 'Bearer realm="gemcare"'}
        )
    return auth

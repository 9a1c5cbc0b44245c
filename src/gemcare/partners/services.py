"""API keys: made with a secret shown once, stored as a hash, revoked, never edited.

A key reads `gck_live_<prefix>_<secret>` (or `gck_test_…`). The prefix is public and finds
the row; the secret is 40 random characters (about 238 bits), so a single SHA-256 is the
right hash: nobody can guess it, and checking it costs nothing per request
(docs/decisions/0017-api-keys-and-rate-limit.md).
"""

import hashlib
import secrets
import string

from django.db import transaction
from django.utils import timezone

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.partners.errors import PartnerError
from gemcare.partners.models import ApiKey, Retailer, Store

KEY_START = "gck"
PREFIX_LENGTH = 12
SECRET_LENGTH = 40
_ALPHABET = string.ascii_letters + string.digits


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _random(length: int, alphabet: str) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def key_text(*, is_test: bool, prefix: str, secret: str) -> str:
    return f"{KEY_START}_{'test' if is_test else 'live'}_{prefix}_{secret}"


def key_parts(text: str) -> tuple[bool, str, str] | None:
    """(is_test, prefix, secret) of a well-formed key, else None."""
    parts = text.split("_")
    if len(parts) != 4 or parts[0] != KEY_START or parts[1] not in {"live", "test"}:
        return None
    prefix, secret = parts[2], parts[3]
    if len(prefix) != PREFIX_LENGTH or len(secret) != SECRET_LENGTH:
        return None
    if not (prefix.isascii() and prefix.isalnum() and secret.isascii() and secret.isalnum()):
        return None
    return parts[1] == "test", prefix, secret


def scopes_read(scopes) -> list[str]:
    """The scopes named, checked against the known ones, in a stable order."""
    if isinstance(scopes, str):
        scopes = [part.strip() for part in scopes.split(",")]
    wanted = {part for part in scopes if part}
    unknown = sorted(wanted - set(ApiKey.SCOPES))
    if unknown:
        raise InvalidInput("scopes", unknown[0], "is not a known scope", code="unknown_scope")
    if not wanted:
        raise InvalidInput("scopes", "", "must name at least one scope")
    return [scope for scope in ApiKey.SCOPES if scope in wanted]


def _provider_required(caller: Caller) -> None:
    caller_required(caller)
    if not caller.is_provider:
        raise Refused(PartnerError.NOT_ALLOWED, PartnerError.NOT_ALLOWED.words)


@transaction.atomic
def api_key_create(
    *,
    caller: Caller,
    retailer: Retailer,
    name: str,
    store: Store | None = None,
    scopes,
    is_test: bool,
) -> tuple[ApiKey, str]:
    """A new key and its text, which is shown once and kept nowhere."""
    _provider_required(caller)
    if store is not None and store.retailer_id != retailer.pk:
        raise NotFound("store", store.code)
    name = (name or "").strip()
    if not name or len(name) > ApiKey._meta.get_field("name").max_length:
        raise InvalidInput("name", None, "must be 1 to 100 characters")
    chosen = scopes_read(scopes)
    prefix = _random(PREFIX_LENGTH, string.ascii_lowercase + string.digits)
    secret = _random(SECRET_LENGTH, _ALPHABET)
    key = ApiKey.objects.create(
        retailer=retailer,
        store=store,
        name=name,
        scopes=",".join(chosen),
        is_test=is_test,
        prefix=prefix,
        secret_hash=secret_hash(secret),
    )
    audit_record(
        caller=caller,
        action="api_key_created",
        entity=key,
        tenant_id=retailer.pk,
        data={"scopes": chosen, "is_test": is_test, "store": store.code if store else None},
    )
    return key, key_text(is_test=is_test, prefix=prefix, secret=secret)


@transaction.atomic
def api_key_revoke(*, caller: Caller, key: ApiKey) -> ApiKey:
    """Revoked at once and for good; revoking twice changes nothing."""
    _provider_required(caller)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(caller=caller, action="api_key_revoked", entity=key, tenant_id=key.retailer_id)
    return key

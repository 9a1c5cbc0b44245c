"""API keys and staff accounts: what a retailer's managers (and the provider's staff) set up.

API keys: made with a secret shown once, stored as a hash, revoked, never edited.

A key reads `gck_live_<prefix>_<secret>` (or `gck_test_…`). The prefix is public and finds
the row; the secret is 40 random characters (about 238 bits), so a single SHA-256 is the
right hash: nobody can guess it, and checking it costs nothing per request
(docs/decisions/0017-api-keys-and-rate-limit.md). The provider's staff make and revoke any
retailer's keys; a retailer's manager those of their own retailer.

Staff accounts: a manager adds the people of their own retailer and deactivates them. A new
account has no password: the person chooses one through a link sent to their email, so no
one else (the manager included) ever knows it (the jeweler portal sends the link).
"""

import hashlib
import secrets
import string

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.partners.errors import PartnerError, StaffError
from gemcare.partners.models import ApiKey, Retailer, RetailerStaff, Store
from gemcare.partners.schemas import StaffIn
from gemcare.partners.selectors import retailer_manager_of

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


# Who may manage keys and staff: the words of `not_allowed` here.


def _manager_required(caller: Caller, retailer_id: int) -> None:
    """The provider's staff (or its own work), or an active manager of `retailer_id`
    acting for the retailer as a whole; anyone else is refused `not_allowed`."""
    caller_required(caller)
    if caller.is_provider:
        return
    manager = retailer_manager_of(caller)
    if manager is None or manager.retailer_id != retailer_id or caller.store_id is not None:
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
    _manager_required(caller, retailer.pk)
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
    caller_required(caller)
    if caller.is_retailer and key.retailer_id != caller.retailer_id:
        raise NotFound("api_key", key.pk)
    _manager_required(caller, key.retailer_id)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(caller=caller, action="api_key_revoked", entity=key, tenant_id=key.retailer_id)
    return key


# --- staff accounts -------------------------------------------------------------------------


def _staff_retailer_id(caller: Caller, retailer: Retailer | None) -> int:
    """The retailer whose staff change: a manager's own; the provider names it."""
    caller_required(caller)
    if not (caller.is_provider or caller.is_retailer):
        raise Refused(PartnerError.NOT_ALLOWED, PartnerError.NOT_ALLOWED.words)
    if caller.is_retailer:
        if retailer is not None and retailer.pk != caller.retailer_id:
            raise NotFound("retailer", retailer.code)
        retailer_id = caller.retailer_id
    elif retailer is not None:
        retailer_id = retailer.pk
    else:
        raise InvalidInput("retailer", None, "is required when the provider adds staff")
    _manager_required(caller, retailer_id)
    return retailer_id


def _username_taken(username: str) -> InvalidInput:
    return InvalidInput(
        "username",
        username,
        "is already in use: choose another",
        code=StaffError.USERNAME_TAKEN,
    )


@transaction.atomic
def retailer_staff_create(
    *, caller: Caller, staff: StaffIn, retailer: Retailer | None = None
) -> RetailerStaff:
    """A new staff account of the caller's retailer (the provider names the retailer), with
    no usable password until the person sets one. A username is taken whatever its case."""
    retailer_id = _staff_retailer_id(caller, retailer)
    store = None
    if staff.store:
        store = Store.objects.filter(retailer_id=retailer_id, code=staff.store).first()
        if store is None:
            raise NotFound("store", staff.store)
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=staff.username).exists():
        raise _username_taken(staff.username)
    user = user_model(username=staff.username, first_name=staff.name, email=staff.email)
    user.set_unusable_password()
    try:
        # A savepoint: an account of the same name made at the same moment fails this one
        # alone, and the refusal can still be answered.
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise _username_taken(staff.username) from None
    record = RetailerStaff.objects.create(
        user=user, retailer_id=retailer_id, store=store, role=staff.role
    )
    audit_record(
        caller=caller,
        action="retailer_staff_created",
        entity=record,
        tenant_id=retailer_id,
        data={"role": staff.role, "store": store.code if store else None},
    )
    return record


@transaction.atomic
def retailer_staff_deactivate(*, caller: Caller, staff: RetailerStaff) -> RetailerStaff:
    """The account stops working at once (its sessions and pages with it); its history
    stays. A manager does not deactivate themselves, nor the retailer's last active
    manager. Deactivating twice changes nothing."""
    caller_required(caller)
    if caller.is_retailer and staff.retailer_id != caller.retailer_id:
        raise NotFound("staff_account", staff.pk)
    _manager_required(caller, staff.retailer_id)
    # The retailer's managers first, in id order, then the account: two managers
    # deactivating each other at once queue here instead of both going.
    managers = list(
        RetailerStaff.objects.select_for_update(of=("self",))
        .filter(retailer_id=staff.retailer_id, role=RetailerStaff.MANAGER)
        .select_related("user")
        .order_by("pk")
    )
    locked = (
        RetailerStaff.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=staff.pk)
    )
    if not locked.user.is_active:
        return locked
    if locked.user_id == caller.user_id:
        raise Refused(StaffError.SELF_DEACTIVATION, StaffError.SELF_DEACTIVATION.words)
    others = [m for m in managers if m.pk != locked.pk and m.user.is_active]
    if locked.role == RetailerStaff.MANAGER and not others:
        raise Refused(StaffError.LAST_MANAGER, StaffError.LAST_MANAGER.words)
    get_user_model().objects.filter(pk=locked.user_id).update(is_active=False)
    locked.user.is_active = False
    audit_record(
        caller=caller,
        action="retailer_staff_deactivated",
        entity=locked,
        tenant_id=locked.retailer_id,
    )
    return locked


def retailer_staff_invitation_check(*, caller: Caller, staff: RetailerStaff) -> None:
    """Whether the link to choose a password may be sent to an account (again): a manager
    of its retailer asks, and the account is active and has an email to send it to."""
    caller_required(caller)
    if caller.is_retailer and staff.retailer_id != caller.retailer_id:
        raise NotFound("staff_account", staff.pk)
    _manager_required(caller, staff.retailer_id)
    if not staff.user.is_active or not staff.user.email:
        raise Refused(StaffError.NOT_INVITABLE, StaffError.NOT_INVITABLE.words)

"""Reading a retailer's stores, staff and API keys, on behalf of a caller.

Staff and keys belong to the retailer as a whole: a retailer's caller without a store sees
its own (its managers' pages act so), a caller limited to one store sees none of them, the
provider sees every one. "Not yours" answers exactly like "does not exist".
"""

from django.db.models import F, QuerySet

from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import NotFound
from gemcare.partners.models import ApiKey, RetailerStaff, Store


def _retailer_scope(caller: Caller) -> dict | None:
    caller_required(caller)
    if caller.is_provider:
        return {}
    if caller.is_retailer and caller.store_id is None:
        return {"retailer_id": caller.retailer_id}
    return None


def retailer_manager_of(caller: Caller) -> RetailerStaff | None:
    """The active manager's staff record a retailer's caller acts for, or None (a key, a
    store's associate, a deactivated account, anyone else)."""
    caller_required(caller)
    if not caller.is_retailer or caller.user_id is None:
        return None
    return (
        RetailerStaff.objects.select_related("retailer")
        .filter(
            user_id=caller.user_id,
            retailer_id=caller.retailer_id,
            role=RetailerStaff.MANAGER,
            user__is_active=True,
        )
        .first()
    )


def stores_visible(*, caller: Caller) -> QuerySet[Store]:
    """The stores the caller sells for: a retailer's (a caller limited to one store, that
    one), by name."""
    caller_required(caller)
    if caller.is_provider:
        stores = Store.objects.all()
    elif caller.is_retailer:
        stores = Store.objects.filter(retailer_id=caller.retailer_id)
        if caller.store_id is not None:
            stores = stores.filter(pk=caller.store_id)
    else:
        return Store.objects.none()
    return stores.order_by("name", "pk")


def retailer_staff_list(*, caller: Caller) -> QuerySet[RetailerStaff]:
    """The retailer's staff accounts, active ones first, then by username."""
    scope = _retailer_scope(caller)
    if scope is None:
        return RetailerStaff.objects.none()
    return (
        RetailerStaff.objects.filter(**scope)
        .select_related("user", "store")
        .order_by("-user__is_active", "user__username", "pk")
    )


def retailer_staff_get(*, caller: Caller, staff_id: object) -> RetailerStaff:
    scope = _retailer_scope(caller)
    if scope is None or isinstance(staff_id, bool) or not isinstance(staff_id, int):
        raise NotFound("staff_account", staff_id)
    found = RetailerStaff.objects.filter(pk=staff_id, **scope).select_related("user", "store")
    staff = found.first()
    if staff is None:
        raise NotFound("staff_account", staff_id)
    return staff


def api_keys_list(*, caller: Caller) -> QuerySet[ApiKey]:
    """The retailer's API keys, live and test, revoked ones after the others, newest first.
    Only the prefix of a key is ever read back: its secret is kept as a hash alone."""
    scope = _retailer_scope(caller)
    if scope is None:
        return ApiKey.objects.none()
    return (
        ApiKey.objects.filter(**scope)
        .select_related("store")
        .defer("secret_hash")
        .order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-pk")
    )


def api_key_get(*, caller: Caller, key_id: object) -> ApiKey:
    scope = _retailer_scope(caller)
    if scope is None or isinstance(key_id, bool) or not isinstance(key_id, int):
        raise NotFound("api_key", key_id)
    key = ApiKey.objects.filter(pk=key_id, **scope).select_related("store", "retailer").first()
    if key is None:
        raise NotFound("api_key", key_id)
    return key

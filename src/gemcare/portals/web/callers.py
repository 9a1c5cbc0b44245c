"""Who is asking for a page: the `Caller` a signed-in person or a holder's session acts as.

Staff sign in with Django's auth. A retailer's staff member acts for the retailer, narrowed
to their store when their record names one (an associate at a counter); a manager with no
store sees the whole retailer. The provider's staff act in their role; a superuser with no
staff record acts as an administrator, as the admin treats them (`common.admin`).

A customer has no user: the customer site verifies a holder (a one-time code sent to the
email on file) and opens a holder session, which keeps only the holder's id. A session holds
one identity: opening a holder session ends any staff sign-in in it, and a staff sign-in
drops the holder (`accounts.views`).
"""

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpRequest

from gemcare.common.callers import Caller
from gemcare.partners.models import ProviderStaff

HOLDER_SESSION_KEY = "gemcare_holder_id"
POLICYHOLDER_SESSION_KEY = "gemcare_named_insured_id"


def retailer_caller(request: HttpRequest) -> Caller | None:
    """The caller of a signed-in retailer staff member, or None for anyone else (and for the
    staff of a retailer that is no longer active, whose API keys stop working too)."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    staff = getattr(user, "retailer_staff", None)
    if staff is None or not staff.retailer.is_active:
        return None
    try:
        return Caller.retailer(staff.retailer, store=staff.store, user=user)
    except PermissionError:  # a store of another retailer: a broken record gets nothing
        return None


def provider_caller(request: HttpRequest) -> Caller | None:
    """The caller of a signed-in member of the provider's staff, or None."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    staff = getattr(user, "provider_staff", None)
    if staff is not None:
        return Caller.provider(user, role=staff.role)
    if user.is_superuser:
        return Caller.provider(user, role=ProviderStaff.ADMIN)
    return None


def portal_caller(request: HttpRequest) -> Caller:
    """The caller a signed-in staff member's pages act as; 404 for anyone else, so that
    nothing tells a visitor which pages exist."""
    caller = provider_caller(request) or retailer_caller(request)
    if caller is None:
        raise Http404("no page here")
    return caller


# --- holder sessions -------------------------------------------------------------------------


def _customer_session_open(request: HttpRequest, key: str, pk: int) -> None:
    """The old session is thrown away (a new key: nothing that was in it, nor anyone who
    knew its key, carries over), and the new one lasts GEMCARE_HOLDER_SESSION_MINUTES."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        logout(request)  # flushes the session too
    else:
        request.session.flush()
    request.session[key] = pk
    request.session.set_expiry(settings.GEMCARE_HOLDER_SESSION_MINUTES * 60)


def holder_session_open(request: HttpRequest, holder) -> None:
    """Start a holder's session, once the customer site has verified them."""
    _customer_session_open(request, HOLDER_SESSION_KEY, holder.pk)


def policyholder_session_open(request: HttpRequest, named_insured) -> None:
    """Start a policyholder's session (a named insured of one policy), once the customer site
    has verified them. It ends any holder or staff session in this browser: one identity."""
    _customer_session_open(request, POLICYHOLDER_SESSION_KEY, named_insured.pk)


def holder_session_close(request: HttpRequest) -> None:
    """End the holder's session (signing out on the customer site)."""
    request.session.flush()


def customer_caller(request: HttpRequest) -> Caller | None:
    """The holder whose session this is, or None. A holder since erased or merged away
    ends the session."""
    from gemcare.contracts.models import Holder

    holder_id = request.session.get(HOLDER_SESSION_KEY)
    if not isinstance(holder_id, int):
        return None
    holder = Holder.objects.filter(pk=holder_id).only("pk").first()
    if holder is None:
        holder_session_close(request)
        return None
    return Caller.holder(holder)


def policyholder_caller(request: HttpRequest) -> Caller | None:
    """The named insured whose session this is, or None. One since removed ends it."""
    from gemcare.insurance.models import NamedInsured

    named_insured_id = request.session.get(POLICYHOLDER_SESSION_KEY)
    if not isinstance(named_insured_id, int):
        return None
    named_insured = NamedInsured.objects.filter(pk=named_insured_id).only("pk", "policy").first()
    if named_insured is None:
        holder_session_close(request)
        return None
    return Caller.policyholder(named_insured)

"""Who may open a page: the decorators every portal view starts with.

- Logged out: the sign-in page, coming back to the page afterwards (`?next=`).
- Signed in, but not of the page's kind (a jeweler on a back-office page, an adjuster on a
  jeweler's, a role the page does not take): 404, exactly like a page that does not exist,
  so nothing tells them it is there.
- The provider's staff, signed in with a password but without the second factor in this
  session: the second-factor page (enrolment first, for someone without a device).

They set `request.caller`, the `Caller` the view hands to selectors and services, and mark
the answer private and uncached: portal pages carry a tenant's data.

For an htmx request, a redirect is an `HX-Redirect` header (the whole page goes to the
sign-in page), not a redirect htmx would follow and paste into part of the page.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_htmx.http import HttpResponseClientRedirect

from gemcare.portals.accounts.second_factor import (
    is_verified,
    second_factor_required,
    totp_device,
)
from gemcare.portals.web.callers import (
    customer_caller,
    policyholder_caller,
    provider_caller,
    retailer_caller,
)

View = Callable[..., HttpResponse]


def _here(request: HttpRequest) -> str:
    """The page to come back to: for htmx, the page in the browser, not the fragment."""
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return htmx.current_url_abs_path
    return request.get_full_path()


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def login_redirect(request: HttpRequest) -> HttpResponse:
    """To the sign-in page, and back here after it."""
    response = redirect_to_login(_here(request))
    return _go(request, response["Location"])


def second_factor_redirect(request: HttpRequest) -> HttpResponse:
    """To the second-factor page (or enrolment, without a device), and back here after it."""
    name = "accounts:second_factor" if totp_device(request.user) else "accounts:second_factor_setup"
    return _go(request, f"{reverse(name)}?{urlencode({'next': _here(request)})}")


def home_url(user) -> str:
    """Where a person lands after signing in: their portal's first page."""
    if getattr(user, "provider_staff", None) is not None or user.is_superuser:
        return reverse("office:home")
    if getattr(user, "retailer_staff", None) is not None:
        return reverse("jeweler:dashboard")
    return reverse("customer:home")


def next_url(request: HttpRequest, default: str) -> str:
    """The page to go on to (`next`, from the form or the address), if it is one of ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _decorator(view: View | None, check: Callable[[HttpRequest], HttpResponse | None]):
    def wrap(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            refusal = check(request)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return never_cache(guarded)

    return wrap(view) if view is not None else wrap


def jeweler_required(view: View | None = None, *, roles: Iterable[str] | None = None):
    """A page of the jeweler portal, for a retailer's staff (with `roles`, only those of the
    RetailerStaff roles given: `roles=[RetailerStaff.MANAGER]`)."""
    allowed = frozenset(roles) if roles is not None else None

    def check(request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return login_redirect(request)
        caller = retailer_caller(request)
        if caller is None:
            raise Http404("no page here")
        if allowed is not None and request.user.retailer_staff.role not in allowed:
            raise Http404("no page here")
        request.caller = caller
        return None

    return _decorator(view, check)


def office_required(view: View | None = None, *, roles: Iterable[str] | None = None):
    """A back-office page, for the provider's staff with the second factor passed (with
    `roles`, only those of the ProviderStaff roles given)."""
    allowed = frozenset(roles) if roles is not None else None

    def check(request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return login_redirect(request)
        caller = provider_caller(request)
        if caller is None:
            raise Http404("no page here")
        if not is_verified(request):
            return second_factor_redirect(request)
        if allowed is not None and caller.role not in allowed:
            raise Http404("no page here")
        request.caller = caller
        return None

    return _decorator(view, check)


def signed_in_required(view: View) -> View:
    """A page for anyone signed in (their own account's pages), the second factor passed
    where they need one."""

    def check(request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return login_redirect(request)
        if second_factor_required(request.user) and not is_verified(request):
            return second_factor_redirect(request)
        return None

    return _decorator(view, check)


def customer_sign_in_url() -> str:
    """The customer site's sign-in page once it is there; its home page until then."""
    try:
        return reverse("customer:sign_in")
    except NoReverseMatch:
        return reverse("customer:home")


def customer_required(view: View) -> View:
    """A page of the customer site, for a holder whose session is open; anyone else goes to
    the customer sign-in, and back here after it."""

    def check(request: HttpRequest) -> HttpResponse | None:
        caller = customer_caller(request)
        if caller is None:
            return _go(request, f"{customer_sign_in_url()}?{urlencode({'next': _here(request)})}")
        request.caller = caller
        return None

    return _decorator(view, check)


def policyholder_sign_in_url() -> str:
    """The customer site's policyholder sign-in page once it is there; its home page until
    then."""
    try:
        return reverse("customer:policy_sign_in")
    except NoReverseMatch:
        return reverse("customer:home")


def policyholder_required(view: View) -> View:
    """A page of the customer site for an insurance policyholder whose session is open
    (`request.caller` is their `Caller.policyholder`); anyone else goes to the policyholder
    sign-in, and back here after it."""

    def check(request: HttpRequest) -> HttpResponse | None:
        caller = policyholder_caller(request)
        if caller is None:
            return _go(
                request, f"{policyholder_sign_in_url()}?{urlencode({'next': _here(request)})}"
            )
        request.caller = caller
        return None

    return _decorator(view, check)

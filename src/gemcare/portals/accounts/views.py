"""Signing in and out, the second factor, and changing one's password.

Sign-in is Django's LoginView with our page. Failed sign-ins are counted by django-axes per
username and address; past the limit the page says how long to wait (`login_locked_out`).
Someone who needs the second factor (`second_factor.second_factor_required`) goes on to it
after the password: to enrolment if they have no device yet, else to the code page. Nothing
of the provider's opens before it (`web.access`), the admin included (`admin_site`).
"""

import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gemcare.common.errors import InvalidInput
from gemcare.portals.accounts.schemas import SecondFactorIn
from gemcare.portals.accounts.second_factor import (
    code_verify,
    is_verified,
    second_factor_required,
    setup_confirm,
    setup_pending,
    totp_device,
)
from gemcare.portals.web.access import home_url, login_redirect, next_url, signed_in_required
from gemcare.portals.web.callers import HOLDER_SESSION_KEY
from gemcare.portals.web.forms import FormState, form_errors, form_read

LOGIN_TEMPLATE = "portals/accounts/login.html"


def _auth_form_state(form) -> FormState:
    """The values and errors of one of Django's auth forms, for `{% field %}`."""
    values = {"username": form.data.get("username", "")} if form.is_bound else {}
    errors = {name: " ".join(errors) for name, errors in form.errors.items() if name != "__all__"}
    return FormState(values, errors)


# Longer than any password a person types; a longer one is not even hashed.
PASSWORD_MAX_LENGTH = 1024


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing before any lookup what no account can have: a
    username longer than the column, control characters, an absurd password. (Django's own
    form leaves the length to the browser; the database and the failure log would not.)"""

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username") or ""
        limit = get_user_model()._meta.get_field("username").max_length
        if len(username) > limit or not username.isprintable():
            raise ValidationError(f"A username is at most {limit} letters, digits and signs.")
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if len(password) > PASSWORD_MAX_LENGTH or "\x00" in password:
            raise ValidationError("This is not a password of this site.")
        return password


class LoginView(auth_views.LoginView):
    template_name = LOGIN_TEMPLATE
    authentication_form = SignInForm

    def form_valid(self, form):
        # One identity per session: a staff sign-in ends a holder's session in this browser.
        self.request.session.pop(HOLDER_SESSION_KEY, None)
        return super().form_valid(form)

    def get_success_url(self) -> str:
        user = self.request.user
        target = self.get_redirect_url() or home_url(user)
        if second_factor_required(user):
            name = "accounts:second_factor" if totp_device(user) else "accounts:second_factor_setup"
            return f"{reverse(name)}?{urlencode({'next': target})}"
        return target

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        auth_form = context["form"]
        context.update(
            auth_form=auth_form,
            form=_auth_form_state(auth_form),
            problem=" ".join(auth_form.non_field_errors()),
        )
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


def cool_off_minutes() -> int:
    cool_off = settings.AXES_COOLOFF_TIME
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


def login_locked_out(request: HttpRequest, original_response=None, credentials=None):
    """What django-axes answers once a username has failed too often from one address: the
    sign-in page, saying how long to wait (each further try starts the wait again)."""
    minutes = cool_off_minutes()
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes else "later"
    context = {
        "form": FormState({"username": (credentials or {}).get("username", "")}),
        "locked": True,
        "problem": (
            f"Too many failed sign-in attempts. For your account's safety, sign-in is paused: "
            f"try again in {wait}."
            if minutes
            else "Too many failed sign-in attempts: ask an administrator to unlock your account."
        ),
        "next": next_url(request, ""),
    }
    response = render(request, LOGIN_TEMPLATE, context, status=429)
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response


logout_view = auth_views.LogoutView.as_view(next_page=reverse_lazy("accounts:login"))


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


password_change_view = signed_in_required(
    PasswordChangeView.as_view(
        template_name="portals/accounts/password_change.html",
        success_url=reverse_lazy("accounts:password_changed"),
    )
)


@signed_in_required
def password_changed(request: HttpRequest) -> HttpResponse:
    messages.success(request, "Your password has been changed.")
    return HttpResponseRedirect(home_url(request.user))


# --- the second factor -----------------------------------------------------------------------

CODE_WRONG = "is not the code your app shows now, nor an unused recovery code"


def _code_page(request, template: str, *, target: str, status: int = 200, **context):
    context.setdefault("form", FormState())
    return render(request, template, {"next": target, **context}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """The code page, after the password, for someone with a device."""
    if not request.user.is_authenticated:
        return login_redirect(request)
    target = next_url(request, home_url(request.user))
    if not second_factor_required(request.user) or is_verified(request):
        return HttpResponseRedirect(target)
    if totp_device(request.user) is None:
        query = urlencode({"next": target})
        return HttpResponseRedirect(f"{reverse('accounts:second_factor_setup')}?{query}")
    template = "portals/accounts/second_factor.html"
    if request.method == "GET":
        return _code_page(request, template, target=target)
    try:
        code = form_read(SecondFactorIn, request.POST, ignore=["next"]).code
    except InvalidInput as error:
        form = FormState({}, form_errors(error))
        return _code_page(request, template, target=target, form=form, status=422)
    result = code_verify(request, code)
    if result.verified:
        return HttpResponseRedirect(target)
    if result.wait_seconds:
        message = (
            f"Too many wrong codes: wait {result.wait_seconds} second"
            f"{'s' if result.wait_seconds != 1 else ''}, then enter the code your app shows."
        )
        form = FormState({}, {"code": message})
        return _code_page(request, template, target=target, form=form, status=429)
    form = FormState({}, {"code": CODE_WRONG})
    return _code_page(request, template, target=target, form=form, status=422)


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: the QR code and the secret, confirmed with a first code."""
    if not request.user.is_authenticated:
        return login_redirect(request)
    target = next_url(request, home_url(request.user))
    if not second_factor_required(request.user):
        return HttpResponseRedirect(target)
    if totp_device(request.user) is not None:
        query = urlencode({"next": target})
        return HttpResponseRedirect(f"{reverse('accounts:second_factor')}?{query}")
    template = "portals/accounts/second_factor_setup.html"
    if request.method == "POST":
        try:
            code = form_read(SecondFactorIn, request.POST, ignore=["next"]).code
        except InvalidInput as error:
            form = FormState({}, form_errors(error))
            pending = setup_pending(request)
            return _code_page(
                request, template, target=target, form=form, pending=pending, status=422
            )
        codes = setup_confirm(request, code)
        if codes is not None:
            return render(
                request,
                "portals/accounts/recovery_codes.html",
                {"codes": codes, "next": target},
            )
        form = FormState(
            {}, {"code": "is not the code your app shows now: check the app and try again"}
        )
        pending = setup_pending(request)
        return _code_page(request, template, target=target, form=form, pending=pending, status=422)
    return _code_page(request, template, target=target, pending=setup_pending(request))

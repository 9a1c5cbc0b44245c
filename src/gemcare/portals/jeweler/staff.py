"""A manager's staff pages: the retailer's accounts, adding one, deactivating one, and the
page where a new person chooses their password.

A new account has no password. The person gets an email with a link to choose their own
(Django's password-reset tokens: signed, valid PASSWORD_RESET_TIMEOUT, spent once the
password is set, since the token covers the password's hash). That is the simplest thing
that is secure: the manager never types, sees or passes on anyone's password, nothing that
could sign in travels in clear beyond the one link, and an account nobody took up cannot be
signed in to at all. A manager can send the link again (it expired, the email was lost).

Managers only (RetailerStaff.MANAGER): an associate gets 404. Every change goes through
`gemcare.partners.services`, which checks the manager again and writes the audit entry.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gemcare.common.errors import InvalidInput, Refused
from gemcare.partners.models import RetailerStaff
from gemcare.partners.schemas import StaffIn
from gemcare.partners.selectors import retailer_staff_get, retailer_staff_list, stores_visible
from gemcare.partners.services import (
    retailer_staff_create,
    retailer_staff_deactivate,
    retailer_staff_invitation_check,
)
from gemcare.portals.jeweler.notices import staff_invitation_send
from gemcare.portals.jeweler.pages import manager_caller, refusal_of
from gemcare.portals.web import FormState, form_errors, form_read, jeweler_required

MANAGERS = [RetailerStaff.MANAGER]


def _list_page(request: HttpRequest, *, status: int = 200, **extra) -> HttpResponse:
    caller = manager_caller(request)
    context = {"rows": retailer_staff_list(caller=caller), "me": request.user.pk, **extra}
    return render(request, "portals/jeweler/staff_list.html", context, status=status)


def _form_page(request: HttpRequest, form: FormState, *, status: int = 200) -> HttpResponse:
    stores = [(store.code, store.name) for store in stores_visible(caller=manager_caller(request))]
    context = {"form": form, "roles": RetailerStaff.ROLES, "stores": stores}
    return render(request, "portals/jeweler/staff_new.html", context, status=status)


def _invitation(request: HttpRequest, staff: RetailerStaff) -> None:
    """Email the person the link to choose their password (after the change commits)."""
    user = staff.user
    path = reverse(
        "jeweler:staff_set_password",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    staff_invitation_send(
        user=user,
        retailer_name=staff.retailer.name,
        link=settings.GEMCARE_PUBLIC_URL.rstrip("/") + path,
        invited_by=request.user.get_full_name() or request.user.get_username(),
    )


@require_safe
@jeweler_required(roles=MANAGERS)
def staff_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@require_http_methods(["GET", "POST"])
@jeweler_required(roles=MANAGERS)
def staff_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, FormState({"role": RetailerStaff.SALES}))
    try:
        given = form_read(StaffIn, request.POST)
        with transaction.atomic():
            staff = retailer_staff_create(caller=manager_caller(request), staff=given)
            _invitation(request, staff)
    except InvalidInput as error:
        return _form_page(request, FormState(request.POST, form_errors(error)), status=422)
    messages.success(
        request,
        f"Account {given.username} added. {given.email} was sent a link to choose a password.",
    )
    return HttpResponseRedirect(reverse("jeweler:staff"))


@require_POST
@jeweler_required(roles=MANAGERS)
def staff_deactivate(request: HttpRequest, staff_id: int) -> HttpResponse:
    caller = manager_caller(request)
    staff = retailer_staff_get(caller=caller, staff_id=staff_id)
    try:
        retailer_staff_deactivate(caller=caller, staff=staff)
    except Refused as error:
        return _list_page(request, status=409, refusal=refusal_of(error))
    messages.success(request, f"Account {staff.user.get_username()} deactivated.")
    return HttpResponseRedirect(reverse("jeweler:staff"))


@require_POST
@jeweler_required(roles=MANAGERS)
def staff_invite(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Send the link to choose a password again (an earlier one expired or was lost)."""
    caller = manager_caller(request)
    staff = retailer_staff_get(caller=caller, staff_id=staff_id)
    try:
        retailer_staff_invitation_check(caller=caller, staff=staff)
    except Refused as error:
        return _list_page(request, status=409, refusal=refusal_of(error))
    with transaction.atomic():
        _invitation(request, staff)
    messages.success(request, f"The link to choose a password was sent to {staff.user.email}.")
    return HttpResponseRedirect(reverse("jeweler:staff"))


class StaffPasswordSetView(auth_views.PasswordResetConfirmView):
    """Django's page for a password-reset link, for a retailer's active staff only: any
    other account's link (a deactivated one's included) is an invalid link."""

    template_name = "portals/jeweler/staff_set_password.html"
    success_url = reverse_lazy("jeweler:staff_password_done")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user.is_active or not hasattr(user, "retailer_staff"):
            return None
        return user

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


staff_set_password = StaffPasswordSetView.as_view()


@require_safe
def staff_password_done(request: HttpRequest) -> HttpResponse:
    messages.success(request, "Your password is set: sign in with your username and it.")
    return HttpResponseRedirect(reverse("accounts:login"))

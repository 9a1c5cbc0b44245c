"""Handing a plan to someone else: the holder's invitation, and the recipient's acceptance.

The holder names the new holder (name, state, email); an invitation goes to that email with
a single-use link (`/transfer/<token>`, good for 14 days). The recipient opens it, confirms
their name and state, and accepts: the plan is theirs from that day, and the link opens
their own holder session on this browser, as a code sent to their email would.

The acceptance is a public form: it passes the public-form checks first. A link that no
longer works (unknown, used, withdrawn, expired) is "not found", whichever it is.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gemcare.common.errors import InvalidInput, NotFound
from gemcare.contracts.selectors import contract_get
from gemcare.partners.models import STATE_CHOICES
from gemcare.portals.customer.protection import PROTECTION_FIELDS, public_form_check
from gemcare.portals.customer.schemas import TransferAcceptIn, TransferInviteIn
from gemcare.portals.customer.selectors import (
    TRANSFER_TO_GIFT_RECIPIENT,
    invitation_by_token,
    invitation_open,
    transfer_offered,
)
from gemcare.portals.customer.services import (
    INVITATION_DAYS,
    transfer_invitation_accept,
    transfer_invitation_send,
)
from gemcare.portals.customer.sign_ins import token_hash
from gemcare.portals.web import (
    FormState,
    customer_required,
    form_errors,
    form_read,
    holder_session_open,
)

TOKEN_MAX_LENGTH = 100


@require_http_methods(["GET", "POST"])
@customer_required
def transfer_new(request: HttpRequest, number: str) -> HttpResponse:
    contract = contract_get(caller=request.caller, number=number, is_test=False)
    form, status = FormState(), 200
    if request.method == "POST":
        try:
            invite = form_read(TransferInviteIn, request.POST, booleans=["confirm"])
        except InvalidInput as error:
            form, status = FormState(request.POST, form_errors(error)), 422
        else:
            transfer_invitation_send(caller=request.caller, contract=contract, invite=invite)
            messages.success(
                request,
                f"We sent the invitation to {invite.email}. The plan stays yours until they "
                f"accept it (within {INVITATION_DAYS} days).",
            )
            return HttpResponseRedirect(reverse("customer:my_plan", args=[contract.number]))
    offered = transfer_offered(contract)
    context = {
        "plan": contract,
        "form": form,
        "states": STATE_CHOICES,
        "offered": offered,
        "gift_only": offered == TRANSFER_TO_GIFT_RECIPIENT,
        "invitation": invitation_open(caller=request.caller, contract=contract),
        "days": INVITATION_DAYS,
    }
    return render(request, "portals/customer/transfer_new.html", context, status=status)


def _private(response: HttpResponse) -> HttpResponse:
    # The link's token is in the address: it is never sent on to another page or site.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def transfer_accept(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        refusal = public_form_check(request, "transfer_accept")
        if refusal is not None:
            return _private(refusal)
    if len(token) > TOKEN_MAX_LENGTH:
        raise NotFound("transfer_invitation", "")
    invitation = invitation_by_token(token_hash(token))
    form, status = FormState({"name": invitation.name, "state": invitation.state}), 200
    if request.method == "POST":
        try:
            acceptance = form_read(
                TransferAcceptIn, request.POST, booleans=["confirm"], ignore=PROTECTION_FIELDS
            )
        except InvalidInput as error:
            form, status = FormState(request.POST, form_errors(error)), 422
        else:
            contract = transfer_invitation_accept(token=token, acceptance=acceptance)
            holder_session_open(request, contract.holder)
            messages.success(request, f"The plan {contract.number} is yours now.")
            return _private(
                HttpResponseRedirect(reverse("customer:my_plan", args=[contract.number]))
            )
    context = {
        "invitation": invitation,
        "plan": invitation.contract,
        "form": form,
        "states": STATE_CHOICES,
    }
    return _private(
        render(request, "portals/customer/transfer_accept.html", context, status=status)
    )

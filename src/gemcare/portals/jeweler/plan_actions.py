"""What the counter does with a sold plan: a return in the free look, a cancellation (its
refund shown first, then confirmed), a transfer to a new holder, a layaway's pickup.

The plan's page links only the actions `contract_actions` allows today; each POST still goes
through its service, which refuses on its own (a page left open while the plan changed).
A refusal is shown with its words and code (409) and changes nothing; bad input is shown by
its field (422). After a return or a cancellation the holder is emailed the refund and its
due date, if they have an email (sent after the change commits).
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from gemcare.api.schemas import DateIn, HolderCancellationIn, RefundQuoteQuery
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import Contract
from gemcare.contracts.schemas import CancellationIn, PickupIn, ReturnIn, TransferIn
from gemcare.contracts.selectors import contract_actions, contract_get, refund_preview
from gemcare.contracts.services import (
    contract_cancel,
    contract_pickup,
    contract_return,
    contract_transfer,
)
from gemcare.portals.jeweler.notices import refund_notice_send
from gemcare.portals.jeweler.pages import CANCELLATION_REASONS, STATES, refusal_of
from gemcare.portals.jeweler.schemas import CounterTransferIn
from gemcare.portals.web import FormState, form_errors, form_read, jeweler_required


def _contract(request: HttpRequest, number: str) -> Contract:
    return contract_get(caller=request.caller, number=number, is_test=False)


def _page(
    request: HttpRequest,
    contract: Contract,
    action: str,
    form: FormState,
    *,
    status: int = 200,
    **extra,
) -> HttpResponse:
    context = {
        "contract": contract,
        "action": action,
        "allowed": action in contract_actions(caller=request.caller, contract=contract, on=today()),
        "form": form,
        "states": STATES,
        "reasons": CANCELLATION_REASONS,
        **extra,
    }
    return render(request, f"portals/jeweler/plan_{action}.html", context, status=status)


def _preview_for(request: HttpRequest, number: str, values: dict) -> dict:
    """The refund a cancellation on the date asked would give, for a confirm step: the
    preview, or why there is none (bad input, a refusal), as page context."""
    given = {name: value for name, value in values.items() if value not in (None, "")}
    try:
        query = validate_input(RefundQuoteQuery, given)
    except InvalidInput as error:
        return {"preview_errors": form_errors(error)}
    try:
        preview = refund_preview(
            caller=request.caller,
            number=number,
            cancel_on=query.date or today(),
            reason=query.reason,
            is_test=False,
        )
    except Refused as error:
        return {"preview_refusal": refusal_of(error)}
    return {"preview": preview}


def _posted(request: HttpRequest, contract: Contract, action: str, act, **extra) -> HttpResponse:
    """Make the POSTed action (`act()` answers the page after it); a bad value shows the form
    again with the error by its field (422), a refusal with its words (409)."""
    try:
        return act()
    except InvalidInput as error:
        form = FormState(request.POST, form_errors(error))
        return _page(request, contract, action, form, status=422, **extra)
    except Refused as error:
        form = FormState(request.POST)
        return _page(
            request, contract, action, form, status=409, refusal=refusal_of(error), **extra
        )


def _done(request: HttpRequest, contract: Contract, note: str) -> HttpResponse:
    messages.success(request, note)
    return HttpResponseRedirect(reverse("jeweler:plan", args=[contract.number]))


def _refund_note(cancellation, emailed: bool) -> str:
    contract = cancellation.contract
    note = (
        f"Plan {contract.number} is {contract.status}: a refund of "
        f"${cancellation.refund:,.2f} is due by {cancellation.due_on.isoformat()}."
    )
    if emailed:
        note += " The holder was emailed the refund and its due date."
    return note


@require_http_methods(["GET", "POST"])
@jeweler_required
def plan_return(request: HttpRequest, number: str) -> HttpResponse:
    """The item came back: in the free look the plan is void and refunded in full."""
    contract = _contract(request, number)
    if request.method == "GET":
        values = {"date": request.GET.get("date") or today().isoformat()}
        found = _preview_for(request, contract.number, values)
        errors = found.pop("preview_errors", None)
        if errors:
            return _page(request, contract, "return", FormState(values, errors), status=422)
        return _page(request, contract, "return", FormState(values), **found)

    def give_back() -> HttpResponse:
        given = form_read(DateIn, request.POST)
        with transaction.atomic():
            cancellation = contract_return(
                caller=request.caller,
                contract=contract,
                item_return=ReturnIn.model_construct(date=given.date),
            )
            emailed = refund_notice_send(cancellation=cancellation)
        return _done(request, contract, _refund_note(cancellation, emailed))

    return _posted(request, contract, "return", give_back)


@require_http_methods(["GET", "POST"])
@jeweler_required
def plan_cancel(request: HttpRequest, number: str) -> HttpResponse:
    """A holder's cancellation: the date (and a duplicate warranty, if so), then the refund
    it gives shown to confirm, then the cancellation."""
    contract = _contract(request, number)
    if request.method == "GET":
        values = {"date": request.GET.get("date", ""), "reason": request.GET.get("reason", "")}
        if not values["date"]:
            values["date"] = today().isoformat()
            return _page(request, contract, "cancel", FormState(values), step="ask")
        found = _preview_for(request, contract.number, values)
        errors = found.pop("preview_errors", None)
        if errors:
            return _page(
                request, contract, "cancel", FormState(values, errors), status=422, step="ask"
            )
        return _page(request, contract, "cancel", FormState(values), step="confirm", **found)

    def cancel() -> HttpResponse:
        given = form_read(HolderCancellationIn, request.POST)
        with transaction.atomic():
            cancellation = contract_cancel(
                caller=request.caller,
                contract=contract,
                cancellation=CancellationIn.model_construct(
                    by="holder", reason=given.reason, date=given.date, notice=None
                ),
            )
            emailed = refund_notice_send(cancellation=cancellation)
        return _done(request, contract, _refund_note(cancellation, emailed))

    return _posted(request, contract, "cancel", cancel, step="ask")


@require_http_methods(["GET", "POST"])
@jeweler_required
def plan_transfer(request: HttpRequest, number: str) -> HttpResponse:
    """The plan passes to a new holder from a date; the history of holders is kept."""
    contract = _contract(request, number)
    if request.method == "GET":
        values = {"date": today().isoformat(), "holder.state": contract.holder.state}
        return _page(request, contract, "transfer", FormState(values))

    def hand_over() -> HttpResponse:
        given = form_read(CounterTransferIn, request.POST, nested=["holder"])
        changed = contract_transfer(
            caller=request.caller,
            contract=contract,
            transfer=TransferIn.model_construct(date=given.date, holder=given.holder),
        )
        return _done(
            request,
            changed,
            f"Plan {changed.number} now belongs to {given.holder.name}, "
            f"from {given.date.isoformat()}.",
        )

    return _posted(request, contract, "transfer", hand_over)


@require_http_methods(["GET", "POST"])
@jeweler_required
def plan_pickup(request: HttpRequest, number: str) -> HttpResponse:
    """A layaway item is picked up: the plan's coverage starts that day."""
    contract = _contract(request, number)
    if request.method == "GET":
        return _page(request, contract, "pickup", FormState({"date": today().isoformat()}))

    def picked_up() -> HttpResponse:
        given = form_read(DateIn, request.POST)
        changed = contract_pickup(
            caller=request.caller,
            contract=contract,
            pickup=PickupIn.model_construct(date=given.date),
        )
        return _done(
            request,
            changed,
            f"Picked up: plan {changed.number} covers the item from {given.date.isoformat()}.",
        )

    return _posted(request, contract, "pickup", picked_up)

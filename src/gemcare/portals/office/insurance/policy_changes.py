"""Changes to a policy in the back office, each on its own page: an item added, changed or removed
(endorsements, with the premium they charge or refund shown before confirming), a cancellation
(with the refund shown first) and a payment recorded.

Each page is a form read into the insurance schema of its service. "Review" shows what the
change moves in premium (`gemcare.insurance.services.previews`) and asks to confirm, carrying
the input in hidden fields; "Confirm" calls the service. A refusal is shown on the page with its
code, and nothing is written. Administrators and adjusters make changes; anyone else gets 404.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.insurance.models import Policy
from gemcare.insurance.schemas import (
    NewlyAcquiredItemIn,
    PolicyCancelIn,
    PolicyPaymentIn,
    ScheduledItemAddIn,
    ScheduledItemChangeIn,
    ScheduledItemRemoveIn,
)
from gemcare.insurance.selectors import policy_cancel_preview
from gemcare.insurance.services import (
    newly_acquired_item_record,
    policy_cancel,
    policy_payment_record,
    scheduled_item_add,
    scheduled_item_change,
    scheduled_item_remove,
)
from gemcare.insurance.services.previews import policy_change_preview
from gemcare.portals.office.insurance.policy_access import POLICY_ACTORS
from gemcare.portals.office.insurance.policy_forms import choices, item_details
from gemcare.portals.office.insurance.policy_selectors import policy_of, scheduled_item_of
from gemcare.portals.web import FormState, form_errors, form_read, office_required

TEMPLATE = "portals/office/insurance/policy_change.html"
CANCEL_TEMPLATE = "portals/office/insurance/policy_cancel.html"
IGNORED = ["action"]
BY = [("insured", "The insured (at their request)"), ("insurer", "The insurer (with notice)")]


def _policy(request: HttpRequest, number: str) -> Policy:
    return policy_of(caller=request.caller, number=number)


def _carried(post) -> list[tuple[str, str]]:
    """The form's input, to send again with the confirmation."""
    return [
        (name, value)
        for name in post
        if name not in {"csrfmiddlewaretoken", "action"}
        for value in post.getlist(name)
    ]


def _refusal(error: Refused) -> dict:
    return {"code": error.code, "message": error.message}


def _change_page(
    request, policy, *, change: str, form: FormState, status=200, preview=None, refusal=None, **more
) -> HttpResponse:
    context = {
        "policy": policy,
        "change": change,
        "form": form,
        "preview": preview,
        "refusal": refusal,
        "carried": _carried(request.POST) if preview is not None else [],
        "choices": choices(),
        "item_details": item_details(),
        **more,
    }
    return render(request, TEMPLATE, context, status=status)


def _change_flow(request, policy, *, page, initial: dict, read, call, done, preview=None):
    """The flow every change page shares. A GET shows the form filled with `initial`. A POST
    reads the form (`read`); where the change has a `preview` and is not confirmed yet, it
    shows what the change would do and asks to confirm; otherwise it makes the change
    (`call`) and goes back to the policy saying `done(result)`. Bad input is shown naming the
    field (422) and a refusal with its code (409): nothing is written either way."""
    if request.method == "GET":
        return page(FormState(initial))
    try:
        data = read(request.POST)
        if preview is not None and request.POST.get("action") != "confirm":
            return page(FormState(request.POST), preview=preview(data))
        result = call(data)
    except InvalidInput as error:
        return page(FormState(request.POST, form_errors(error)), status=422)
    except Refused as error:
        return page(FormState(request.POST), status=409, refusal=_refusal(error))
    messages.success(request, done(result))
    return redirect("office:policy", number=policy.number)


def _endorse(request, policy, *, change: str, read, call, done, **more) -> HttpResponse:
    """An endorsement page: the change flow, reviewed with the premium it moves."""

    def page(form, *, status=200, preview=None, refusal=None):
        return _change_page(
            request,
            policy,
            change=change,
            form=form,
            status=status,
            preview=preview,
            refusal=refusal,
            **more,
        )

    return _change_flow(
        request,
        policy,
        page=page,
        initial={"on": today().isoformat()},
        read=read,
        call=call,
        done=done,
        preview=lambda data: policy_change_preview(policy, lambda: call(data)),
    )


def _item_endorse(request, number: str, ref: str, *, change: str, schema, service, done: str):
    """An endorsement of one scheduled item (`ref`, taken from the address, never the form);
    `done` is said with the item's `ref` and the policy's `number`."""
    policy = _policy(request, number)
    item = scheduled_item_of(policy=policy, ref=ref)

    def read(post):
        return form_read(schema, {**post.dict(), "ref": item.ref}, ignore=IGNORED)

    return _endorse(
        request,
        policy,
        change=change,
        read=read,
        call=lambda data: service(caller=request.caller, policy=policy, data=data),
        done=lambda _: done.format(ref=item.ref, number=policy.number),
        item=item,
    )


@require_http_methods(["GET", "POST"])
@office_required(roles=POLICY_ACTORS)
def policy_item_add(request: HttpRequest, number: str) -> HttpResponse:
    policy = _policy(request, number)
    return _endorse(
        request,
        policy,
        change="add",
        read=lambda post: form_read(ScheduledItemAddIn, post, ignore=IGNORED),
        call=lambda data: scheduled_item_add(caller=request.caller, policy=policy, data=data),
        done=lambda item: f"Item {item.ref} is on the schedule of policy {policy.number}.",
    )


@require_http_methods(["GET", "POST"])
@office_required(roles=POLICY_ACTORS)
def policy_item_change(request: HttpRequest, number: str, ref: str) -> HttpResponse:
    return _item_endorse(
        request,
        number,
        ref,
        change="change",
        schema=ScheduledItemChangeIn,
        service=scheduled_item_change,
        done="Item {ref} of policy {number} is changed.",
    )


@require_http_methods(["GET", "POST"])
@office_required(roles=POLICY_ACTORS)
def policy_item_remove(request: HttpRequest, number: str, ref: str) -> HttpResponse:
    return _item_endorse(
        request,
        number,
        ref,
        change="remove",
        schema=ScheduledItemRemoveIn,
        service=scheduled_item_remove,
        done="Item {ref} is off the schedule of policy {number}.",
    )


@require_http_methods(["GET", "POST"])
@office_required(roles=POLICY_ACTORS)
def policy_cancel_page(request: HttpRequest, number: str) -> HttpResponse:
    policy = _policy(request, number)

    def page(form, *, status=200, preview=None, refusal=None):
        context = {
            "policy": policy,
            "form": form,
            "by_choices": BY,
            "preview": preview,
            "refusal": refusal,
            "carried": _carried(request.POST) if preview is not None else [],
        }
        return render(request, CANCEL_TEMPLATE, context, status=status)

    return _change_flow(
        request,
        policy,
        page=page,
        initial={"cancel_on": today().isoformat(), "by": "insured"},
        read=lambda post: form_read(PolicyCancelIn, post, ignore=IGNORED),
        call=lambda data: policy_cancel(caller=request.caller, policy=policy, data=data),
        done=lambda cancellation: (
            f"Policy {policy.number} is cancelled as of {cancellation.cancel_on:%Y-%m-%d}: "
            f"refund ${cancellation.refund:,.2f}."
        ),
        preview=lambda data: policy_cancel_preview(caller=request.caller, policy=policy, data=data),
    )


@require_http_methods(["GET", "POST"])
@office_required(roles=POLICY_ACTORS)
def policy_payment(request: HttpRequest, number: str) -> HttpResponse:
    policy = _policy(request, number)

    def page(form, *, status=200, refusal=None):
        context = {"policy": policy, "form": form, "refusal": refusal}
        return render(
            request, "portals/office/insurance/policy_payment.html", context, status=status
        )

    return _change_flow(
        request,
        policy,
        page=page,
        initial={"paid_on": today().isoformat(), "amount": policy.installment or ""},
        read=lambda post: form_read(PolicyPaymentIn, post, ignore=IGNORED),
        call=lambda data: policy_payment_record(caller=request.caller, policy=policy, data=data),
        done=lambda recorded: payment_words(policy, recorded),
    )


def payment_words(policy: Policy, recorded) -> str:
    said = f"Payment of ${recorded.amount:,.2f} recorded on policy {policy.number}"
    if recorded.notice_withdrawn:
        said += "; the notice of cancellation is withdrawn"
    if recorded.renewal_accepted:
        said += "; the renewal is accepted"
    return said + "."


@require_http_methods(["GET", "POST"])
@office_required(roles=POLICY_ACTORS)
def policy_newly_acquired(request: HttpRequest, number: str) -> HttpResponse:
    """A newly acquired item reported: covered automatically for 30 days from its
    acquisition, until it is scheduled."""
    policy = _policy(request, number)

    def page(form, *, status=200, refusal=None):
        context = {"policy": policy, "form": form, "refusal": refusal, "choices": choices()}
        template = "portals/office/insurance/policy_newly_acquired.html"
        return render(request, template, context, status=status)

    return _change_flow(
        request,
        policy,
        page=page,
        initial={"acquired_on": today().isoformat()},
        read=lambda post: form_read(NewlyAcquiredItemIn, post, ignore=IGNORED),
        call=lambda data: newly_acquired_item_record(
            caller=request.caller, policy=policy, data=data
        ),
        done=lambda acquired: (
            f"The newly acquired {acquired.kind} is covered until "
            f"{acquired.cover_ends_on:%Y-%m-%d}: schedule it before then."
        ),
    )

"""Reporting a loss, and agreeing its amount: the rules settle it, the service keeps the
result, every step and every deadline (RULEBOOK 6.1).

A loss is reported with its facts and no amount: the date, place and story, the peril, the
item. What needs no amount is answered at once: a loss outside the period, by an excluded
peril or on a newly acquired item past its 30 days is denied on the day it is reported, with
the exclusion's code and words. The amount is established later, by agreement (`loss_agree`)
or by an appraisal's award; payment is then due within 30 days.

`loss_record` is both at once: the report and the amount agreed on the platform's today. The
scenario suite and bulk loads use it.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.email import email_send
from gemcare.common.errors import InvalidInput, Refused, translate_rule_errors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.loss_schemas import LossAgreeIn, LossReportIn
from gemcare.insurance.models import Loss, LossEvent, Policy
from gemcare.insurance.schemas import LossIn
from gemcare.insurance.services._common import money_text, policy_locked
from gemcare.insurance.services.loss_common import (
    LossError,
    clocks_refresh,
    event_write,
    in_order,
    loss_facts,
    loss_locked,
    period_of,
    policy_facts,
    settlement_apply,
    status_change,
)
from gemcare.rules.insurance import loss_coverage
from gemcare.rules.money import ZERO


def _report(
    caller: Caller,
    policy: Policy,
    *,
    loss_on: dt.date,
    peril: str,
    item_ref: str | None,
    newly_acquired_on: dt.date | None,
    repair: str | None,
    known_on: dt.date | None,
    reported_on: dt.date,
    **facts,
) -> Loss:
    known_on = known_on or loss_on
    start, end, _ = period_of(policy, loss_on)
    item = None
    if item_ref is not None:
        item = policy.items.filter(ref=item_ref).first()
        if item is None:
            raise InvalidInput("item_ref", item_ref, "is not an item of this policy")
        # Before the item joined the schedule it was not insured; outside every period the
        # rules say so themselves.
        if not item.is_scheduled or start <= loss_on < min(end, item.scheduled_on):
            raise Refused(
                InsuranceError.ITEM_NOT_SCHEDULED,
                f"Item {item_ref} was not on the schedule on {loss_on}.",
            )
    loss = Loss(
        policy=policy,
        item=item,
        status=Loss.REPORTED,
        channel=Loss.CUSTOMER if caller.is_policyholder else Loss.STAFF,
        newly_acquired_on=newly_acquired_on,
        loss_on=loss_on,
        known_on=known_on,
        reported_on=reported_on,
        peril=peril,
        repair=repair or "",
        period_start=start,
        period_end=end,
        **facts,
    )
    clocks_refresh(loss)
    with translate_rule_errors():
        refusal = loss_coverage(policy_facts(policy, loss_on), loss_facts(loss))
    loss.save()
    event_write(caller, loss, LossEvent.REPORTED, reported_on)
    if refusal is not None:
        status_change(loss, Loss.DENIED)
        loss.covered = False
        loss.reason_code, loss.reason_words = refusal.code, refusal.words
        loss.save()
        event_write(
            caller, loss, LossEvent.DENIED, reported_on, reason_code=refusal.code, amount=ZERO
        )
    return loss


@transaction.atomic
def loss_report(*, caller: Caller, policy: Policy, data: LossReportIn) -> Loss:
    """Report a loss on a scheduled item or a newly acquired one, by staff or by the
    policyholder on their own policy. An excluded loss is denied at once, with its reason."""
    policy = policy_locked(caller, policy, policyholder_allowed=True)
    loss = _report(
        caller,
        policy,
        loss_on=data.loss_on,
        peril=data.peril,
        item_ref=data.item_ref,
        newly_acquired_on=data.newly_acquired_on,
        repair=data.repair,
        known_on=data.known_on,
        reported_on=data.reported_on or today(),
        place=data.place,
        description=data.description,
        police_report=data.police_report,
        item_serial=data.item_serial,
        item_grading_report=data.item_grading_report,
    )
    audit_record(
        caller=caller,
        action="loss_reported",
        entity=loss,
        data={
            "policy": policy.number,
            "item": loss.item.ref if loss.item else None,
            "peril": loss.peril,
            "status": loss.status,
            "reason": loss.reason_code or None,
        },
    )
    return loss


def _service_plan_due(loss: Loss, given: Decimal | None) -> Decimal:
    """What the service plan owes for the loss: the linked plan claim's approved amount
    (the plan pays first), else what staff recorded, else nothing."""
    if loss.plan_claim_id is None:
        return ZERO if given is None else given
    owed = loss.plan_claim.approved
    if given is not None and given != owed:
        raise InvalidInput(
            "service_plan_due",
            given,
            f"is what the linked plan claim {loss.plan_claim.number} approved: {owed:.2f}",
        )
    return owed


def amount_establish(
    caller: Caller, policy: Policy, loss: Loss, data: LossAgreeIn, *, kind: str
) -> Loss:
    in_order(loss, data.on)
    status_change(loss, Loss.AGREED)
    loss.service_plan_due = _service_plan_due(loss, data.service_plan_due)
    loss.paid_by_others = data.paid_by_others
    loss.other_insurance_limits = data.other_insurance_limits
    loss.pair_set_amount = data.pair_set_amount
    loss.amount_agreed_on = data.on
    settlement = settlement_apply(loss, policy, data.cost)
    if not settlement.covered:  # the cover ended before the loss's date meanwhile
        loss.status = Loss.DENIED
        loss.amount_agreed_on = None
    clocks_refresh(loss)
    loss.save()
    event_write(
        caller,
        loss,
        kind if settlement.covered else LossEvent.DENIED,
        data.on,
        amount=loss.payout,
        refund=loss.refund,
        steps=loss.steps,
        reason_code=loss.reason_code,
        note=data.note,
    )
    if settlement.covered:
        _amount_agreed_email(policy, loss)
    return loss


def _amount_agreed_email(policy: Policy, loss: Loss) -> None:
    to = [person.email for person in policy.named_insureds.all() if person.email]
    if not to:
        return
    email_send(
        to=to,
        template="loss_amount_agreed",
        context={
            "policy": policy.number,
            "loss_on": loss.loss_on,
            "item": loss.item.ref if loss.item else "newly acquired item",
            "payout": loss.payout,
            "steps": loss.steps,
            "payment_due": loss.payment_due,
            "item_removed": loss.item_removed,
            "refund": loss.refund,
        },
    )


@transaction.atomic
def loss_agree(*, caller: Caller, loss: Loss, data: LossAgreeIn) -> Loss:
    """The amount of the loss agreed in writing with the insured: the rules settle it with
    every step kept (RULEBOOK 6.1), and payment is due 30 days later. A total loss takes the
    item off the schedule and refunds its unearned premium."""
    loss = loss_locked(caller, loss)
    if loss.status == Loss.APPRAISAL:
        raise Refused(LossError.IN_APPRAISAL, LossError.IN_APPRAISAL.words)
    policy = loss.policy
    loss = amount_establish(caller, policy, loss, data, kind=LossEvent.AGREED)
    audit_record(caller=caller, action="loss_agreed", entity=loss, data=settled_data(loss))
    return loss


def settled_data(loss: Loss) -> dict:
    return {
        "policy": loss.policy.number,
        "status": loss.status,
        "payout": money_text(loss.payout),
        "item_removed": loss.item_removed,
        "refund": money_text(loss.refund),
    }


@transaction.atomic
def loss_record(*, caller: Caller, policy: Policy, data: LossIn) -> Loss:
    """Report a loss and agree its amount at once, on the platform's today (RULEBOOK 6.1).

    Losses are reported after the fact, so one may be dated before changes already recorded;
    the rules settle it in the period and with the terms of its own date. Only the provider
    agrees an amount: a policyholder reports their loss (`loss_report`) and is refused this.
    """
    policy = policy_locked(caller, policy)
    on = today()
    loss = _report(
        caller,
        policy,
        loss_on=data.loss_on,
        peril=data.peril,
        item_ref=data.item_ref,
        newly_acquired_on=data.newly_acquired_on,
        repair=data.repair,
        known_on=data.known_on,
        reported_on=data.proof_requested_on or on,
    )
    if data.proof_requested_on is not None and loss.status != Loss.DENIED:
        status_change(loss, Loss.PROOF_REQUESTED)
        loss.proof_requested_on = data.proof_requested_on
        clocks_refresh(loss)
        loss.save()
        event_write(caller, loss, LossEvent.PROOF_REQUESTED, data.proof_requested_on)
    if loss.status != Loss.DENIED:
        agreement = LossAgreeIn(
            on=on,
            cost=data.cost,
            service_plan_due=data.service_plan_due,
            paid_by_others=data.paid_by_others,
            other_insurance_limits=data.other_insurance_limits,
            pair_set_amount=data.pair_set_amount,
        )
        loss = amount_establish(caller, policy, loss, agreement, kind=LossEvent.AGREED)
    else:
        # The facts as given are kept on a denied loss too, as they always were.
        loss.cost = data.cost
        loss.service_plan_due = data.service_plan_due
        loss.paid_by_others = data.paid_by_others
        loss.other_insurance_limits = data.other_insurance_limits
        loss.pair_set_amount = data.pair_set_amount
        loss.save()
    audit_record(
        caller=caller,
        action="loss_recorded",
        entity=loss,
        data={
            "policy": policy.number,
            "item": loss.item.ref if loss.item else None,
            "covered": loss.covered,
            "reason": loss.reason_code,
            "payout": money_text(loss.payout),
            "item_removed": loss.item_removed,
            "refund": money_text(loss.refund),
        },
    )
    return loss

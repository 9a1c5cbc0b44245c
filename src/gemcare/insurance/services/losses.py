"""Recording a loss: the rules settle it, the service keeps the result and its deadlines.

A loss is settled in the policy period that contains its date (a loss reported after a
renewal belongs to the year it happened in), with the item's limit and premium of that year.
On a cancelled policy the current period ends on the cancellation date.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, Refused, translate_rule_errors
from gemcare.insurance import selectors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import Loss, Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.schemas import LossIn
from gemcare.insurance.services._common import item_remove, money_text, policy_locked
from gemcare.rules.insurance import (
    LossFacts,
    PolicyFacts,
    ScheduledItemFacts,
    loss_deadlines,
    settle_loss,
    unearned_premium,
)
from gemcare.rules.money import ZERO


def _period_of(policy: Policy, day: dt.date) -> tuple[dt.date, dt.date, dt.date | None]:
    """The period containing `day` (else the current one), and the cancellation date when the
    policy was cancelled in that period."""
    periods = selectors.policy_periods(policy=policy)
    start, end = next(((s, e) for s, e in periods if s <= day < e), periods[-1])
    covered_until = None
    if start == policy.period_start and policy.status == Policy.CANCELLED:
        covered_until = min(end, policy.cancellation.cancel_on)
    return start, end, covered_until


def _item_terms_on(item: ScheduledItem, day: dt.date) -> tuple[Decimal, Decimal]:
    """The item's limit and annual premium on `day`: the renewal after `day` kept them."""
    renewed = (
        item.events.filter(kind=PolicyEvent.ITEM_RENEWED, on__gt=day).order_by("on", "id").first()
    )
    if renewed is None:
        return item.limit, item.premium
    return renewed.previous_limit, renewed.previous_item_premium


def _scheduled_limits_on(policy: Policy, day: dt.date) -> Decimal:
    items = policy.items.filter(scheduled_on__lte=day).exclude(removed_on__lte=day)
    return sum((_item_terms_on(item, day)[0] for item in items), ZERO)


@transaction.atomic
def loss_record(*, caller: Caller, policy: Policy, data: LossIn) -> Loss:
    """Settle a loss on a scheduled item or a newly acquired one (RULEBOOK §6.1).

    A total loss takes the item off the schedule and refunds its unearned premium. Losses are
    reported after the fact, so one may be dated before changes already recorded; the rules
    settle it in the period and with the terms of its own date.
    """
    loss_on, item_ref = data.loss_on, data.item_ref
    known_on = data.known_on or loss_on
    policy = policy_locked(caller, policy)
    start, end, covered_until = _period_of(policy, loss_on)
    item = item_facts = None
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
        limit, premium = _item_terms_on(item, loss_on)
        item_facts = ScheduledItemFacts(limit=limit, premium=premium)
    facts = LossFacts(
        loss_on=loss_on,
        peril=data.peril,
        cost=data.cost,
        repair=data.repair,
        service_plan_due=data.service_plan_due,
        paid_by_others=data.paid_by_others,
        other_insurance_limits=data.other_insurance_limits,
        pair_set_amount=data.pair_set_amount,
        newly_acquired_on=data.newly_acquired_on,
    )
    policy_facts = PolicyFacts(
        start=start,
        end=end,
        deductible=policy.deductible,
        total_scheduled_limits=_scheduled_limits_on(policy, loss_on),
        covered_until=covered_until,
    )
    with translate_rule_errors():
        settlement = settle_loss(policy_facts, facts, item_facts)
        deadlines = loss_deadlines(known_on=known_on, proof_requested_on=data.proof_requested_on)
        # A total loss in a past period also ends the item's cover in the current one.
        later_refund = ZERO
        if settlement.item_removed and start != policy.period_start and policy.is_active:
            later_refund = unearned_premium(
                item.premium, policy.period_start, policy.period_end, policy.period_start
            )

    loss = Loss.objects.create(
        policy=policy,
        item=item,
        newly_acquired_on=data.newly_acquired_on,
        loss_on=loss_on,
        known_on=known_on,
        peril=data.peril,
        repair=data.repair or "",
        cost=data.cost,
        service_plan_due=data.service_plan_due,
        paid_by_others=data.paid_by_others,
        other_insurance_limits=data.other_insurance_limits,
        pair_set_amount=data.pair_set_amount,
        period_start=start,
        period_end=end,
        covered=settlement.covered,
        reason_code=settlement.reason.code,
        reason_words=settlement.reason.words,
        payout=settlement.payout,
        item_removed=settlement.item_removed,
        refund=settlement.refund + later_refund,
        steps={step: str(amount) for step, amount in settlement.steps.items()},
        proof_requested_on=data.proof_requested_on,
        proof_of_loss_due=deadlines.proof_of_loss_due,
        payment_due=deadlines.payment_due,
        appraiser_named_by=deadlines.appraiser_named_by,
        umpire_chosen_by=deadlines.umpire_chosen_by,
        suit_by=deadlines.suit_by,
    )
    if settlement.item_removed:
        item_remove(
            policy=policy,
            item=item,
            on=loss_on,
            refund=settlement.refund,
            period_start=start,
            loss=loss,
        )
        if later_refund:
            PolicyEvent.objects.create(
                policy=policy,
                kind=PolicyEvent.ITEM_REMOVED,
                on=policy.period_start,
                period_start=policy.period_start,
                item=item,
                loss=loss,
                refund=later_refund,
                limit=item.limit,
                item_premium=item.premium,
            )
    audit_record(
        caller=caller,
        action="loss_recorded",
        entity=loss,
        data={
            "policy": policy.number,
            "item": item.ref if item else None,
            "covered": settlement.covered,
            "reason": settlement.reason.code,
            "payout": money_text(settlement.payout),
            "item_removed": settlement.item_removed,
            "refund": money_text(loss.refund),
        },
    )
    return loss

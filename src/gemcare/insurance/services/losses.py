"""Recording a loss: the rules settle it, the service keeps the result and its deadlines.

A loss is settled in the policy period that contains its date (a loss reported after a
renewal belongs to the year it happened in), with the item's limit and premium of that year.
On a cancelled policy the current period ends on the cancellation date.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from gemcare.common.audit import audit_record
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused, translate_rule_errors
from gemcare.common.inputs import (
    parse_amount,
    parse_day,
    parse_optional_amount,
    parse_optional_day,
    parse_text,
)
from gemcare.insurance import selectors
from gemcare.insurance.models import Loss, Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.services._common import item_remove, money_text, policy_lock
from gemcare.rules import vocabulary
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
def loss_record(
    *,
    actor=None,
    policy: Policy,
    loss_on: str | dt.date,
    peril: str,
    cost: str | Decimal,
    item_ref: str | None = None,
    newly_acquired_on: str | dt.date | None = None,
    repair: str | None = None,
    service_plan_due: str | Decimal = "0",
    paid_by_others: str | Decimal = "0",
    other_insurance_limits: str | Decimal = "0",
    pair_set_amount: str | Decimal | None = None,
    known_on: str | dt.date | None = None,
    proof_requested_on: str | dt.date | None = None,
) -> Loss:
    """Settle a loss on a scheduled item or a newly acquired one (RULEBOOK §6.1).

    A total loss takes the item off the schedule and refunds its unearned premium.
    """
    loss_on = parse_day(loss_on, field="date")
    if loss_on > today():
        raise InvalidInput("date", loss_on, "is after today")
    with translate_rule_errors():
        vocabulary.check_code(peril, vocabulary.PERILS, field="peril", what="peril")
        if repair in (None, ""):
            repair = None
        else:
            vocabulary.check_code(repair, vocabulary.SERVICES, field="repair", what="service")
    cost = parse_amount(cost, field="cost")
    service_plan_due = parse_amount(service_plan_due, field="service_plan_due")
    paid_by_others = parse_amount(paid_by_others, field="paid_by_others")
    other_insurance_limits = parse_amount(other_insurance_limits, field="other_insurance_limits")
    pair_set_amount = parse_optional_amount(pair_set_amount, field="pair_set_amount")
    known_on = parse_optional_day(known_on, field="known_on") or loss_on
    if not loss_on <= known_on <= today():
        raise InvalidInput("known_on", known_on, "must fall from the loss date to today")
    proof_requested_on = parse_optional_day(proof_requested_on, field="proof_requested_on")
    if proof_requested_on is not None and proof_requested_on < known_on:
        raise InvalidInput(
            "proof_requested_on", proof_requested_on, "is before the insured knew of the loss"
        )
    if (item_ref is None) == (newly_acquired_on is None):
        raise InvalidInput(
            "item", item_ref, "name either a scheduled item or a newly acquired item's date"
        )
    newly_acquired_on = parse_optional_day(newly_acquired_on, field="newly_acquired_on")

    policy = policy_lock(policy)
    start, end, covered_until = _period_of(policy, loss_on)
    item = item_facts = None
    if item_ref is not None:
        ref = parse_text(item_ref, field="item", max_length=32)
        item = policy.items.filter(ref=ref).first()
        if item is None:
            raise InvalidInput("item", item_ref, "is not an item of this policy")
        # Before the item joined the schedule it was not insured; outside every period the
        # rules say so themselves.
        if not item.is_scheduled or start <= loss_on < min(end, item.scheduled_on):
            raise Refused("item_not_scheduled", f"Item {ref} was not on the schedule on {loss_on}.")
        limit, premium = _item_terms_on(item, loss_on)
        item_facts = ScheduledItemFacts(limit=limit, premium=premium)
    facts = LossFacts(
        loss_on=loss_on,
        peril=peril,
        cost=cost,
        repair=repair,
        service_plan_due=service_plan_due,
        paid_by_others=paid_by_others,
        other_insurance_limits=other_insurance_limits,
        pair_set_amount=pair_set_amount,
        newly_acquired_on=newly_acquired_on,
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
        deadlines = loss_deadlines(known_on=known_on, proof_requested_on=proof_requested_on)
        # A total loss in a past period also ends the item's cover in the current one.
        later_refund = ZERO
        if settlement.item_removed and start != policy.period_start and policy.is_active:
            later_refund = unearned_premium(
                item.premium, policy.period_start, policy.period_end, policy.period_start
            )

    loss = Loss.objects.create(
        policy=policy,
        item=item,
        newly_acquired_on=newly_acquired_on,
        loss_on=loss_on,
        known_on=known_on,
        peril=peril,
        repair=repair or "",
        cost=cost,
        service_plan_due=service_plan_due,
        paid_by_others=paid_by_others,
        other_insurance_limits=other_insurance_limits,
        pair_set_amount=pair_set_amount,
        period_start=start,
        period_end=end,
        covered=settlement.covered,
        reason_code=settlement.reason.code,
        reason_words=settlement.reason.words,
        payout=settlement.payout,
        item_removed=settlement.item_removed,
        refund=settlement.refund + later_refund,
        steps={step: str(amount) for step, amount in settlement.steps.items()},
        proof_requested_on=proof_requested_on,
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
        actor=actor,
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

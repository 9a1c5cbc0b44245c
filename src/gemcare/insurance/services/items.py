"""Endorsements: adding an item to the schedule and taking one off (RULEBOOK §6)."""

import datetime as dt

from django.db import transaction
from django.db.models import Max

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, Refused, translate_rule_errors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.schemas import MAX_SCHEDULED_ITEMS, ScheduledItemAddIn, ScheduledItemRemoveIn
from gemcare.insurance.services._common import (
    item_remove,
    money_text,
    policy_locked,
    policy_require_active,
    rating_of,
)
from gemcare.rules.errors import RuleInputError
from gemcare.rules.insurance import check_possession, item_premium, unearned_premium


def _check_in_period(policy: Policy, on: dt.date, *, earliest: dt.date | None = None) -> None:
    first = max(policy.period_start, earliest or policy.period_start)
    if not first <= on < policy.period_end:
        raise InvalidInput(
            "on",
            on,
            f"must fall from {first} to before {policy.period_end}",
            code=InsuranceError.NOT_IN_PERIOD,
        )


@transaction.atomic
def scheduled_item_add(
    *, caller: Caller, policy: Policy, data: ScheduledItemAddIn
) -> ScheduledItem:
    """Schedule an item from `on`, charging its premium pro rata for the rest of the period.

    The item keeps its annual premium at the policy's rating, so that a later removal or total
    loss refunds its unearned part like any other item's.
    """
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    _check_in_period(policy, data.on)
    if policy.items.filter(ref=data.ref).exists():
        raise InvalidInput(
            "ref",
            data.ref,
            "is already used by an item of this policy",
            code=InsuranceError.DUPLICATE_ITEM_REF,
        )
    if policy.items.filter(status=ScheduledItem.SCHEDULED).count() >= MAX_SCHEDULED_ITEMS:
        raise InvalidInput(
            "ref", data.ref, f"the schedule already holds {MAX_SCHEDULED_ITEMS} items"
        )
    names = list(policy.named_insureds.values_list("name", flat=True))
    try:
        check_possession(names, [data.possessed_by])
    except RuleInputError as error:
        raise InvalidInput("possessed_by", data.possessed_by, error.message) from error
    rating = rating_of(policy)
    with translate_rule_errors():
        annual = item_premium(
            rating, state=policy.state, deductible=policy.deductible, limit=data.limit
        )
        charge = unearned_premium(annual, policy.period_start, policy.period_end, data.on)

    item = ScheduledItem.objects.create(
        policy=policy,
        ref=data.ref,
        kind=data.kind,
        description=data.description,
        limit=data.limit,
        limit_index=data.value_index,
        premium=annual,
        possessed_by=data.possessed_by,
        scheduled_on=data.on,
    )
    PolicyEvent.objects.create(
        policy=policy,
        kind=PolicyEvent.ITEM_ADDED,
        on=data.on,
        period_start=policy.period_start,
        item=item,
        premium=charge,
        limit=data.limit,
        item_premium=annual,
    )
    policy.premium += charge
    policy.save(update_fields=["premium"])
    audit_record(
        caller=caller,
        action="scheduled_item_added",
        entity=item,
        data={
            "policy": policy.number,
            "ref": data.ref,
            "on": data.on.isoformat(),
            "limit": money_text(data.limit),
            "premium": money_text(charge),
        },
    )
    return item


def _check_after_its_losses(item: ScheduledItem, on: dt.date) -> None:
    """An item damaged on a date was on the schedule that day: its removal may not be dated
    before a loss already recorded on it."""
    latest = item.losses.aggregate(on=Max("loss_on"))["on"]
    if latest is not None and on < latest:
        raise Refused(
            InsuranceError.OUT_OF_ORDER,
            f"Item {item.ref} cannot be removed on {on}: a loss on it is recorded on {latest}.",
        )


@transaction.atomic
def scheduled_item_remove(
    *, caller: Caller, policy: Policy, data: ScheduledItemRemoveIn
) -> ScheduledItem:
    """Take an item off the schedule from `on`, refunding its unearned premium."""
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    item = policy.items.filter(ref=data.ref).first()
    if item is None:
        raise InvalidInput("ref", data.ref, "is not an item of this policy")
    if item.is_scheduled:
        _check_in_period(policy, data.on, earliest=item.scheduled_on)
        _check_after_its_losses(item, data.on)
    with translate_rule_errors():
        refund = unearned_premium(item.premium, policy.period_start, policy.period_end, data.on)
    item_remove(
        policy=policy, item=item, on=data.on, refund=refund, period_start=policy.period_start
    )
    audit_record(
        caller=caller,
        action="scheduled_item_removed",
        entity=item,
        data={
            "policy": policy.number,
            "ref": data.ref,
            "on": data.on.isoformat(),
            "refund": money_text(refund),
        },
    )
    return item

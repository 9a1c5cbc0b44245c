"""Endorsements: adding an item to the schedule and taking one off (RULEBOOK §6)."""

import datetime as dt

from django.db import transaction
from django.db.models import Max

from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, Refused, translate_rule_errors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import NewlyAcquiredItem, Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.schemas import MAX_SCHEDULED_ITEMS, ScheduledItemAddIn, ScheduledItemRemoveIn
from gemcare.insurance.services._common import (
    endorsement_close,
    item_remove,
    limit_index_on,
    money_text,
    period_day_check,
    policy_item,
    policy_locked,
    policy_require_active,
    possession_check,
    rating_of,
)
from gemcare.rules.insurance import item_premium, unearned_premium


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
    period_day_check(policy, data.on)
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
    possession_check(policy, data.possessed_by)
    rating = rating_of(policy)
    with translate_rule_errors():
        annual = item_premium(
            rating, state=policy.state, deductible=policy.deductible, limit=data.limit
        )
        charge = unearned_premium(annual, policy.period_start, policy.period_end, data.on)

    acquired = _newly_acquired(policy, data)
    index = limit_index_on(policy, data.value_index, data.on)
    item = ScheduledItem.objects.create(
        policy=policy,
        ref=data.ref,
        kind=data.kind,
        description=data.description,
        limit=data.limit,
        limit_index=index,
        premium=annual,
        possessed_by=data.possessed_by,
        appraisal_value=data.appraisal_value,
        appraised_on=data.appraised_on,
        serial_number=data.serial_number,
        grading_report_number=data.grading_report_number,
        scheduled_on=data.on,
    )
    if acquired is not None:
        acquired.scheduled_item = item
        acquired.save(update_fields=["scheduled_item"])
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
    endorsement_close(
        caller=caller,
        policy=policy,
        item=item,
        on=data.on,
        action="scheduled_item_added",
        data={"limit": money_text(data.limit), "premium": money_text(charge)},
        charge=charge,
    )
    return item


def _newly_acquired(policy: Policy, data: ScheduledItemAddIn) -> NewlyAcquiredItem | None:
    """The newly acquired item this scheduling ends the automatic cover of, if one is named."""
    if data.newly_acquired_id is None:
        return None
    acquired = policy.newly_acquired.filter(pk=data.newly_acquired_id).first()
    if acquired is None:
        raise InvalidInput(
            "newly_acquired_id", data.newly_acquired_id, "is not an item reported on this policy"
        )
    if acquired.scheduled_item_id is not None:
        raise Refused(
            InsuranceError.NEWLY_ACQUIRED_ALREADY_SCHEDULED,
            InsuranceError.NEWLY_ACQUIRED_ALREADY_SCHEDULED.words,
        )
    return acquired


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
    item = policy_item(policy, data.ref)
    if item.is_scheduled:
        period_day_check(policy, data.on, earliest=item.scheduled_on)
        _check_after_its_losses(item, data.on)
    with translate_rule_errors():
        refund = unearned_premium(item.premium, policy.period_start, policy.period_end, data.on)
    item_remove(
        policy=policy, item=item, on=data.on, refund=refund, period_start=policy.period_start
    )
    endorsement_close(
        caller=caller,
        policy=policy,
        item=item,
        on=data.on,
        action="scheduled_item_removed",
        data={"refund": money_text(refund)},
    )
    return item

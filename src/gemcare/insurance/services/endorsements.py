"""Endorsements that change a scheduled item mid-term (RULEBOOK §6).

A new limit re-rates the item at the policy's rating; the difference in its annual premium
is charged or refunded pro rata by the days left in the period (`endorsement_charge`), and
billing spreads it over the installments still ahead. Descriptive changes (the
description, who has the item, its appraisal, serial and grading-report numbers) cost
nothing but are endorsements too: each one gives a new declarations page.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max

from gemcare.common.callers import Caller
from gemcare.common.errors import Refused, translate_rule_errors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.schemas import ScheduledItemChangeIn
from gemcare.insurance.services._common import (
    endorsement_close,
    limit_index_on,
    money_text,
    period_day_check,
    policy_item,
    policy_locked,
    policy_require_active,
    possession_check,
    rating_of,
)
from gemcare.rules.insurance import item_premium
from gemcare.rules.insurance_lifecycle import endorsement_charge
from gemcare.rules.money import ZERO

DESCRIPTIVE = (
    "kind",
    "description",
    "possessed_by",
    "appraisal_value",
    "appraised_on",
    "serial_number",
    "grading_report_number",
)


def _check_order(item: ScheduledItem, on: dt.date) -> None:
    """A change takes effect after everything already recorded on the item: its losses and
    its earlier changes (the limit of a day must stay the limit recorded for it)."""
    loss_on = item.losses.aggregate(on=Max("loss_on"))["on"]
    change_on = item.events.aggregate(on=Max("on"))["on"]
    latest = max((day for day in (loss_on, change_on) if day is not None), default=None)
    if latest is not None and on < latest:
        raise Refused(
            InsuranceError.OUT_OF_ORDER,
            f"Item {item.ref} cannot be changed from {on}: a change or loss on it is recorded "
            f"on {latest}.",
        )


@transaction.atomic
def scheduled_item_change(
    *, caller: Caller, policy: Policy, data: ScheduledItemChangeIn
) -> PolicyEvent:
    """Change an item's limit or its description from `on`; returns the endorsement's event
    (its `premium` charged or `refund` returned)."""
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    item = policy_item(policy, data.ref)
    if not item.is_scheduled:
        raise Refused(
            InsuranceError.ITEM_NOT_SCHEDULED, f"Item {item.ref} is no longer on the schedule."
        )
    period_day_check(policy, data.on, earliest=item.scheduled_on)
    _check_order(item, data.on)
    changed = [
        name
        for name in DESCRIPTIVE
        if getattr(data, name) is not None and getattr(data, name) != getattr(item, name)
    ]
    new_limit = data.limit if data.limit is not None and data.limit != item.limit else None
    if not changed and new_limit is None:
        raise Refused(InsuranceError.NOTHING_CHANGED, InsuranceError.NOTHING_CHANGED.words)
    if "possessed_by" in changed:
        possession_check(policy, data.possessed_by)
    previous_limit, previous_premium = item.limit, item.premium
    charge = ZERO
    if new_limit is not None:
        with translate_rule_errors():
            annual = item_premium(
                rating_of(policy),
                state=policy.state,
                deductible=policy.deductible,
                limit=new_limit,
            )
            charge = endorsement_charge(
                previous_premium, annual, policy.period_start, policy.period_end, data.on
            )
        index = limit_index_on(policy, data.value_index, data.on)
        item.limit, item.premium, item.limit_index = new_limit, annual, index
    for name in changed:
        setattr(item, name, getattr(data, name))
    item.save()
    event = PolicyEvent.objects.create(
        policy=policy,
        kind=PolicyEvent.ITEM_CHANGED,
        on=data.on,
        period_start=policy.period_start,
        item=item,
        premium=max(charge, ZERO),
        refund=max(-charge, ZERO),
        limit=item.limit,
        previous_limit=previous_limit,
        item_premium=item.premium,
        previous_item_premium=previous_premium,
    )
    endorsement_close(
        caller=caller,
        policy=policy,
        item=item,
        on=data.on,
        action="scheduled_item_changed",
        data={
            "fields": changed + (["limit"] if new_limit is not None else []),
            "limit": money_text(item.limit),
            "charge": money_text(charge),
        },
        charge=charge,
    )
    return event

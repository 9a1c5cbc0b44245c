"""Endorsements: adding an item to the schedule and taking one off (RULEBOOK §6)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from gemcare.common.audit import audit_record
from gemcare.common.errors import InvalidInput, translate_rule_errors
from gemcare.common.inputs import parse_amount, parse_day, parse_text
from gemcare.insurance.models import Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.services._common import (
    item_remove,
    money_text,
    parse_index,
    policy_lock,
    policy_require_active,
    rating_of,
)
from gemcare.rules.errors import RuleInputError
from gemcare.rules.insurance import check_possession, item_premium, unearned_premium


def _check_in_period(policy: Policy, on: dt.date, *, earliest: dt.date | None = None) -> None:
    first = max(policy.period_start, earliest or policy.period_start)
    if not first <= on < policy.period_end:
        raise InvalidInput("on", on, f"must fall from {first} to before {policy.period_end}")


@transaction.atomic
def scheduled_item_add(
    *,
    actor=None,
    policy: Policy,
    ref: str,
    kind: str,
    limit: str | Decimal,
    on: str | dt.date,
    description: str = "",
    possessed_by: str = "",
    value_index: str | Decimal | None = None,
) -> ScheduledItem:
    """Schedule an item from `on`, charging its premium pro rata for the rest of the period.

    The item keeps its annual premium at the policy's rating, so that a later removal or total
    loss refunds its unearned part like any other item's.
    """
    ref = parse_text(ref, field="ref", max_length=32)
    kind = parse_text(kind, field="kind", max_length=32)
    limit = parse_amount(limit, field="limit", allow_zero=False)
    on = parse_day(on, field="on")
    description = parse_text(description, field="description", max_length=300, required=False)
    possessed_by = parse_text(possessed_by, field="possessed_by", max_length=200, required=False)
    value_index = parse_index(value_index, field="value_index")
    policy = policy_lock(policy)
    policy_require_active(policy)
    _check_in_period(policy, on)
    if policy.items.filter(ref=ref).exists():
        raise InvalidInput(
            "ref", ref, "is already used by an item of this policy", code="duplicate_item_ref"
        )
    names = list(policy.named_insureds.values_list("name", flat=True))
    try:
        check_possession(names, [possessed_by])
    except RuleInputError as error:
        raise InvalidInput("possessed_by", possessed_by, error.message) from error
    rating = rating_of(policy)
    with translate_rule_errors():
        annual = item_premium(rating, state=policy.state, deductible=policy.deductible, limit=limit)
        charge = unearned_premium(annual, policy.period_start, policy.period_end, on)

    item = ScheduledItem.objects.create(
        policy=policy,
        ref=ref,
        kind=kind,
        description=description,
        limit=limit,
        limit_index=value_index,
        premium=annual,
        possessed_by=possessed_by,
        scheduled_on=on,
    )
    PolicyEvent.objects.create(
        policy=policy,
        kind=PolicyEvent.ITEM_ADDED,
        on=on,
        period_start=policy.period_start,
        item=item,
        premium=charge,
        limit=limit,
        item_premium=annual,
    )
    policy.premium += charge
    policy.save(update_fields=["premium"])
    audit_record(
        actor=actor,
        action="scheduled_item_added",
        entity=item,
        data={
            "policy": policy.number,
            "ref": ref,
            "on": on.isoformat(),
            "limit": money_text(limit),
            "premium": money_text(charge),
        },
    )
    return item


@transaction.atomic
def scheduled_item_remove(
    *, actor=None, policy: Policy, ref: str, on: str | dt.date
) -> ScheduledItem:
    """Take an item off the schedule from `on`, refunding its unearned premium."""
    ref = parse_text(ref, field="ref", max_length=32)
    on = parse_day(on, field="on")
    policy = policy_lock(policy)
    policy_require_active(policy)
    item = policy.items.filter(ref=ref).first()
    if item is None:
        raise InvalidInput("ref", ref, "is not an item of this policy")
    if item.is_scheduled:
        _check_in_period(policy, on, earliest=item.scheduled_on)
    with translate_rule_errors():
        refund = unearned_premium(item.premium, policy.period_start, policy.period_end, on)
    item_remove(policy=policy, item=item, on=on, refund=refund, period_start=policy.period_start)
    audit_record(
        actor=actor,
        action="scheduled_item_removed",
        entity=item,
        data={
            "policy": policy.number,
            "ref": ref,
            "on": on.isoformat(),
            "refund": money_text(refund),
        },
    )
    return item

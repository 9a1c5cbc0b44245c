"""A policy as its pages show it, in both portals: its period and status, insureds,
schedule, the premium in force, its history, cancellation and renewals, and its deadlines.

Everything is read through the insurance selectors for a policy the page's caller has
already fetched (one they may not see is "not found"); the deadlines are the board's own
list for this policy: its losses' clocks and its own, overdue first.
"""

import datetime as dt

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from gemcare.common.callers import Caller
from gemcare.insurance.deadlines import deadlines_open
from gemcare.insurance.history_selectors import policy_history
from gemcare.insurance.models import Policy, PolicyCancellation, ScheduledItemFile
from gemcare.insurance.selectors import (
    policy_installments,
    policy_items,
    policy_paid,
    policy_premium_in_force,
)


def template_or_none(name: str) -> str | None:
    """A template another part of the portal provides, if it is there yet."""
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def _with_files(items: list) -> list:
    """Each item with its photos and appraisal documents (`item.stored_files`), in one
    query."""
    found: dict[int, list[ScheduledItemFile]] = {item.pk: [] for item in items}
    for stored in ScheduledItemFile.objects.filter(item__in=items).order_by("id"):
        found[stored.item_id].append(stored)
    for item in items:
        item.stored_files = found[item.pk]
    return items


def policy_file(*, caller: Caller, policy: Policy, on: dt.date) -> dict:
    items = _with_files(list(policy_items(policy=policy, include_removed=True)))
    try:
        cancellation = policy.cancellation
    except PolicyCancellation.DoesNotExist:
        cancellation = None
    return {
        "policy": policy,
        "on": on,
        "insureds": list(policy.named_insureds.order_by("id")),
        "items": items,
        "scheduled": [item for item in items if item.is_scheduled],
        "premium_in_force": policy_premium_in_force(policy=policy),
        "installments": policy_installments(policy, on=on),
        "paid": policy_paid(policy=policy),
        "history": policy_history(policy),
        "cancellation": cancellation,
        "renewals": list(policy.renewals.order_by("period_start")),
        "deadlines": deadlines_open(caller=caller, on=on, policy=policy),
        "offers": list(policy.renewal_offers.order_by("period_start")),
        "newly_acquired": list(policy.newly_acquired.order_by("acquired_on", "id")),
    }

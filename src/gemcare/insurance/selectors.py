"""Reading insurance records: policies, their schedule, the premium in force, open deadlines.

Policies are the provider's own records: only provider staff and the system see them for now.
A retailer or a holder is told a policy does not exist, exactly as for a number never issued.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import NotFound
from gemcare.insurance.models import Loss, Policy, PolicyEvent, ScheduledItem
from gemcare.rules.money import ZERO


def _sees_policies(caller: Caller) -> bool:
    caller_required(caller)
    return caller.is_provider


def policies_visible(*, caller: Caller) -> QuerySet[Policy]:
    """The policies the caller may see: all of them for the provider, none for anyone else."""
    return Policy.objects.all() if _sees_policies(caller) else Policy.objects.none()


def policy_get(*, caller: Caller, number: str) -> Policy:
    policy = (
        policies_visible(caller=caller)
        .select_related("rating_version__product")
        .filter(number=number)
        .first()
        if isinstance(number, str)
        else None
    )
    if policy is None:
        raise NotFound("policy", number)
    return policy


def policy_items(*, policy: Policy, include_removed: bool = False) -> QuerySet[ScheduledItem]:
    items = ScheduledItem.objects.filter(policy=policy)
    if not include_removed:
        items = items.filter(status=ScheduledItem.SCHEDULED)
    return items.order_by("id")


def policy_premium_in_force(*, policy: Policy) -> Decimal:
    """The current period's written premium less every refund already made in it.

    Before a cancellation this is what a cancellation refunds from (the rulebook's "premium
    still in force": written premium less the unearned premium returned for removed items);
    after one it is the premium the insurer keeps. Installment fees are never part of it.
    """
    totals = PolicyEvent.objects.filter(policy=policy, period_start=policy.period_start).aggregate(
        written=Sum("premium"), refunded=Sum("refund")
    )
    return (totals["written"] or ZERO) - (totals["refunded"] or ZERO)


def policy_periods(*, policy: Policy) -> list[tuple[dt.date, dt.date]]:
    """Every period the policy has run, oldest first, as (start, first day not covered)."""
    starts = [policy.inception_on] + [
        renewal.period_start for renewal in policy.renewals.order_by("period_start")
    ]
    return list(zip(starts, [*starts[1:], policy.period_end], strict=True))


def loss_deadlines_open(*, caller: Caller, on: dt.date) -> QuerySet[Loss]:
    """Losses with a deadline on or after `on`, for the deadline board."""
    losses = Loss.objects.all() if _sees_policies(caller) else Loss.objects.none()
    return (
        losses.select_related("policy", "item")
        .filter(
            Q(proof_of_loss_due__gte=on)
            | Q(payment_due__gte=on)
            | Q(appraiser_named_by__gte=on)
            | Q(umpire_chosen_by__gte=on)
            | Q(suit_by__gte=on)
        )
        .order_by("suit_by", "id")
    )

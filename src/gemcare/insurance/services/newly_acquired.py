"""Newly acquired items: reported, covered for 30 days, then scheduled (RULEBOOK §6.1).

An item the insured acquires during the period is covered without being scheduled for 30
days from its acquisition (never past the period). Reporting it records when that cover
ends; the daily policy work reminds the insured, `NEWLY_ACQUIRED_REMINDER_DAYS` before
then, to schedule it; scheduling it (`scheduled_item_add` with `newly_acquired_id`) ends the
reminders and the deadline.
"""

import datetime as dt

from django.db import transaction

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import NewlyAcquiredItem, Policy
from gemcare.insurance.schemas import NewlyAcquiredItemIn
from gemcare.insurance.services._common import policy_locked, policy_require_active
from gemcare.insurance.services.notices import newly_acquired_reminder_send
from gemcare.rules.insurance_lifecycle import (
    NEWLY_ACQUIRED_REMINDER_DAYS,
    newly_acquired_cover_ends,
)


@transaction.atomic
def newly_acquired_item_record(
    *, caller: Caller, policy: Policy, data: NewlyAcquiredItemIn
) -> NewlyAcquiredItem:
    """Record a newly acquired item reported today, while its automatic cover still runs."""
    policy = policy_locked(caller, policy, policyholder_allowed=True)
    policy_require_active(policy)
    reported_on = today()
    if not policy.period_start <= data.acquired_on < policy.period_end:
        raise InvalidInput(
            "acquired_on",
            data.acquired_on,
            f"must fall in the policy period {policy.period_start} to {policy.period_end}",
            code=InsuranceError.NOT_IN_PERIOD,
        )
    cover_ends_on = newly_acquired_cover_ends(data.acquired_on, policy.period_end)
    if reported_on > cover_ends_on:
        raise Refused(
            InsuranceError.NEWLY_ACQUIRED_PERIOD_OVER,
            f"The automatic cover of an item acquired on {data.acquired_on} ended on "
            f"{cover_ends_on}: schedule it instead.",
        )
    acquired = NewlyAcquiredItem.objects.create(
        policy=policy,
        kind=data.kind,
        description=data.description,
        acquired_on=data.acquired_on,
        reported_on=reported_on,
        cover_ends_on=cover_ends_on,
    )
    audit_record(
        caller=caller,
        action="newly_acquired_item_recorded",
        entity=policy,
        data={
            "kind": data.kind,
            "acquired_on": data.acquired_on.isoformat(),
            "cover_ends_on": cover_ends_on.isoformat(),
        },
    )
    return acquired


def reminders_due(*, on: dt.date):
    """Newly acquired items still unscheduled whose cover ends within the reminder's days
    and who were not reminded yet."""
    return NewlyAcquiredItem.objects.filter(
        policy__status=Policy.ACTIVE,
        scheduled_item__isnull=True,
        reminded_on__isnull=True,
        cover_ends_on__gte=on,
        cover_ends_on__lte=on + dt.timedelta(days=NEWLY_ACQUIRED_REMINDER_DAYS),
    ).order_by("cover_ends_on", "id")


@transaction.atomic
def newly_acquired_item_remind(*, caller: Caller, acquired: NewlyAcquiredItem, on: dt.date) -> bool:
    """Send the reminder to schedule the item, once; False when it is no longer due."""
    policy_locked(caller, acquired.policy)
    acquired = reminders_due(on=on).filter(pk=acquired.pk).select_related("policy").first()
    if acquired is None:
        return False
    acquired.reminded_on = on
    acquired.save(update_fields=["reminded_on"])
    newly_acquired_reminder_send(acquired)
    audit_record(
        caller=caller,
        action="newly_acquired_item_reminded",
        entity=acquired.policy,
        data={"cover_ends_on": acquired.cover_ends_on.isoformat()},
    )
    return True

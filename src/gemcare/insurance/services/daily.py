"""The day's policy work, run once a day by `gemcare policies-daily` or its task.

In this order, so that one step never acts on what an earlier one has just ended:
1. anniversaries: an accepted renewal starts the next period, any other policy expires;
2. notices of cancellation for non-payment whose day has come are carried out;
3. a missed payment gets the insurer's written notice (ten days);
4. renewals are offered `RENEWAL_OFFER_DAYS` ahead of each anniversary;
5. the insured is reminded to schedule a newly acquired item before its cover ends.

Every step is a service call of its own (its own transaction and audit entry), chosen by
what is still due on `on`, so running the work twice on one day does nothing the second
time, and a policy the services refuse is logged and left for the next run without
stopping the others.
"""

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from gemcare.common.callers import Caller
from gemcare.common.errors import ApplicationError
from gemcare.insurance import selectors
from gemcare.insurance.models import Policy, PolicyCancellationNotice, PolicyRenewalOffer
from gemcare.insurance.services.billing import (
    policy_cancellation_notice_carry_out,
    policy_insurer_cancel_for_nonpayment,
)
from gemcare.insurance.services.newly_acquired import newly_acquired_item_remind, reminders_due
from gemcare.insurance.services.renewals import (
    policy_expire,
    policy_renewal_offer,
    policy_renewal_take_effect,
)
from gemcare.rules.insurance import INSURER_NOTICE_DAYS
from gemcare.rules.insurance_lifecycle import RENEWAL_OFFER_DAYS
from gemcare.rules.money import ZERO

logger = logging.getLogger(__name__)

DAILY_CALLER = Caller.system("policies_daily")


@dataclass
class DailyReport:
    on: dt.date
    done: Counter = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"on": self.on.isoformat(), **dict(self.done), "refused": list(self.refused)}


def _run(report: DailyReport, step: str, policy: Policy, call) -> None:
    try:
        if call() is not False:
            report.done[step] += 1
    except ApplicationError as error:
        logger.warning("%s of policy %s refused: %s", step, policy.number, error.code)
        report.refused.append(f"{policy.number} {step}: {error.code}")


def policies_daily(*, caller: Caller, on: dt.date) -> DailyReport:
    """Do the day's policy work for `on`; what was done, counted by step."""
    report = DailyReport(on=on)
    active = Policy.objects.filter(status=Policy.ACTIVE)
    for policy in active.filter(period_end__lte=on).order_by("period_end", "pk"):
        accepted = policy.renewal_offers.filter(
            status=PolicyRenewalOffer.ACCEPTED, period_start=policy.period_end
        ).exists()
        if accepted:
            _run(
                report,
                "renewed",
                policy,
                lambda p=policy: policy_renewal_take_effect(caller=caller, policy=p, on=on),
            )
        else:
            _run(
                report,
                "expired",
                policy,
                lambda p=policy: policy_expire(caller=caller, policy=p, on=on),
            )
    notices = PolicyCancellationNotice.objects.filter(
        status=PolicyCancellationNotice.PENDING, cancel_on__lte=on, policy__status=Policy.ACTIVE
    ).select_related("policy")
    for notice in notices.order_by("cancel_on", "pk"):
        _run(
            report,
            "cancelled_for_nonpayment",
            notice.policy,
            lambda p=notice.policy: policy_cancellation_notice_carry_out(
                caller=caller, policy=p, on=on
            ),
        )
    pending = PolicyCancellationNotice.objects.filter(status=PolicyCancellationNotice.PENDING)
    for policy in (
        active.filter(period_end__gte=on + dt.timedelta(days=INSURER_NOTICE_DAYS))
        .exclude(pk__in=pending.values("policy_id"))
        .order_by("pk")
    ):
        if selectors.policy_overdue(policy=policy, on=on) > ZERO:
            _run(
                report,
                "notice_given",
                policy,
                lambda p=policy: policy_insurer_cancel_for_nonpayment(
                    caller=caller, policy=p, on=on
                ),
            )
    for policy in active.filter(
        period_end__gt=on, period_end__lte=on + dt.timedelta(days=RENEWAL_OFFER_DAYS)
    ).order_by("period_end", "pk"):
        if policy.renewal_offers.filter(period_start=policy.period_end).exists():
            continue
        _run(
            report,
            "renewal_offered",
            policy,
            lambda p=policy: policy_renewal_offer(caller=caller, policy=p, on=on),
        )
    for acquired in reminders_due(on=on).select_related("policy"):
        _run(
            report,
            "reminded",
            acquired.policy,
            lambda a=acquired: newly_acquired_item_remind(caller=caller, acquired=a, on=on),
        )
    logger.info("Policy work for %s: %s", on, report.as_dict())
    return report

"""Background work on policies.

`policies_daily_task` runs the day's policy work once a day (cron runs `gemcare
policies-daily --enqueue`, or the command itself with no worker): anniversaries (renewals
accepted take effect, the rest expire), cancellations for non-payment whose notice has run,
notices for missed payments, renewal offers ahead of each anniversary, and reminders to
schedule newly acquired items. Running it twice on one day is harmless: each step looks at
what is still due.

`policy_declarations_email_task` sends the declarations page after a bind or an endorsement
has committed. The PDF is drawn by the task from the policy's id, not carried in the task's
row: a page of a long schedule is larger than an email row should hold, and drawing it in
the change would slow every bind.
"""

import datetime as dt

from django.tasks import task

from gemcare.common.clock import today


@task
def policies_daily_task(on: str | None = None) -> dict:
    """Run the day's policy work for `on` (ISO date; the platform's today when not given)."""
    from gemcare.insurance.services.daily import DAILY_CALLER, policies_daily

    day = dt.date.fromisoformat(on) if on else today()
    return policies_daily(caller=DAILY_CALLER, on=day).as_dict()


@task
def policy_declarations_email_task(policy_id: int, reason: str) -> int:
    """Email the current declarations page to every named insured with an email."""
    from gemcare.insurance.services.notices import declarations_email

    return declarations_email(policy_id=policy_id, reason=reason)

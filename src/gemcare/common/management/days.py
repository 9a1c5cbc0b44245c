"""The day a daily command works for (`--on DATE`, by default today).

The daily commands (`expire-contracts`, `policies-daily`) read their day alike: a date
written YYYY-MM-DD, within the platform's window and never after today, since working for a
day still ahead would end terms and periods that still run.
"""

import datetime as dt

from django.core.management.base import CommandError

from gemcare.common.clock import earliest_date, today


def day_argument(value: str) -> dt.date:
    """`--on` read as a date (the `type` of the argument)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--on must be a date, YYYY-MM-DD (got {value[:40]!r})") from None


def day_to_work_for(on: dt.date | None) -> dt.date:
    """The day given, or today; one before the platform's earliest date or after today is
    refused."""
    day = on or today()
    if not earliest_date() <= day <= today():
        raise CommandError(f"--on must lie between {earliest_date()} and today, {today()}")
    return day

"""The platform's clock: the one place services ask what day it is.

Outside the scenario runner it is today in the provider's time zone. The runner plays each
event on its own date (`clock_set`), so terms for next year's sales can be tried now; every
"not after today" check reads this function, so it follows the event's date there.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils import timezone

_fixed_today: ContextVar[dt.date | None] = ContextVar("gemcare_fixed_today", default=None)


def today() -> dt.date:
    fixed = _fixed_today.get()
    return fixed if fixed is not None else timezone.localdate()


@contextmanager
def clock_set(day: dt.date) -> Iterator[None]:
    """Make `today()` answer `day` inside the block (the scenario runner's clock)."""
    token = _fixed_today.set(day)
    try:
        yield
    finally:
        _fixed_today.reset(token)


def earliest_date() -> dt.date:
    """No sale or event is dated before this (settings.GEMCARE_EARLIEST_DATE)."""
    return settings.GEMCARE_EARLIEST_DATE


def latest_future_date() -> dt.date:
    """The furthest ahead a date may lie where a future date is allowed at all (a provider's
    cancellation with notice, a policy's start): settings.GEMCARE_MAX_DAYS_AHEAD from today."""
    return today() + dt.timedelta(days=settings.GEMCARE_MAX_DAYS_AHEAD)

"""Calendar dates as RULEBOOK §0 defines them.

"N years after D" is calendar arithmetic with 29 February mapping to 28 February, which is
what `relativedelta(years=N)` does.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta

from gemcare.rules.errors import RuleInputError


def add_years(start: dt.date, years: int) -> dt.date:
    return start + relativedelta(years=years)


def days_between(earlier: dt.date, later: dt.date) -> int:
    return (later - earlier).days


def within_days(day: dt.date, since: dt.date, days: int) -> bool:
    """RULEBOOK §0: "within N days of D" means (date - D).days <= N."""
    return (day - since).days <= days


def parse_date(value: object, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise RuleInputError(field, value, "must be a date, not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise RuleInputError(field, value, "is not a date (expected YYYY-MM-DD)")

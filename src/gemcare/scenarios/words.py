"""A scenario's words and the services' (RULEBOOK §8): what every event of the player reads
and writes alike.

An event names its fields as the rulebook's scenarios do (`date`, `item`), the services as
their input schemas do (`loss_on`, `item_ref`); a bad field is named back in the scenario's
word. Results are plain text: money with two decimals, days as ISO dates.
"""

import datetime as dt
from decimal import Decimal


def money_text(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def day_text(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def event_day(value: object) -> dt.date | None:
    """The date a scenario wrote, or None when it wrote none (or not a date: the event's
    input then says what is wrong with it)."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) <= 32:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def service_words(args: dict, words: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """An event's arguments under the service's names (`words`: the scenario's word for each
    renamed field, and the service's), and the way back, to name a bad field as the scenario
    wrote it."""
    values = {words.get(key, key): value for key, value in args.items()}
    back = {service: scenario for scenario, service in words.items()}
    return values, back

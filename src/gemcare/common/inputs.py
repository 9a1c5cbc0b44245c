"""Reading a caller's input in services: each reader names the field when the value is wrong.

Values may arrive as strings (API, files, scenarios) or as Decimals and dates (Python
callers). The rules core does the reading (`parse_money`, `parse_date`, codes); these wrap it
so that a bad value surfaces as the application's `InvalidInput`.
"""

import datetime as dt
from decimal import Decimal

from gemcare.common.errors import InvalidInput, translate_rule_errors
from gemcare.rules import vocabulary
from gemcare.rules.dates import parse_date
from gemcare.rules.money import parse_money


def parse_amount(value: object, *, field: str, allow_zero: bool = True) -> Decimal:
    with translate_rule_errors():
        return parse_money(value, field=field, allow_zero=allow_zero)


def parse_optional_amount(value: object, *, field: str) -> Decimal | None:
    return None if value is None else parse_amount(value, field=field)


def parse_day(value: object, *, field: str) -> dt.date:
    with translate_rule_errors():
        return parse_date(value, field=field)


def parse_optional_day(value: object, *, field: str) -> dt.date | None:
    return None if value is None or value == "" else parse_day(value, field=field)


def parse_flag(value: object, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(field, value, "must be true or false")
    return value


def parse_text(value: object, *, field: str, max_length: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(field, value, "must be text")
    text = value.strip()
    if required and not text:
        raise InvalidInput(field, value, "must not be empty")
    if len(text) > max_length:
        raise InvalidInput(field, value, f"must be at most {max_length} characters")
    return text


def check_code(value: object, allowed: frozenset[str], *, field: str, what: str) -> str:
    with translate_rule_errors():
        return vocabulary.check_code(value, allowed, field=field, what=what)


def check_state(value: object, *, field: str = "state") -> str:
    return check_code(value, vocabulary.US_STATES, field=field, what="US state")

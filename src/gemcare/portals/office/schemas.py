"""The back office's own query input: where a keyset page starts, and the search box."""

import datetime as dt
import re
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

from gemcare.claims.schemas import REASON_MAX
from gemcare.common.schemas import InputSchema, Money, invalid, text

_AFTER = re.compile(r"(\d{4}-\d{2}-\d{2})\.(\d{1,18})")


def _after(value: object) -> tuple[dt.date, int]:
    """`2026-03-01.1234`: the (date, id) of the last row of the page before."""
    if not isinstance(value, str) or not (match := _AFTER.fullmatch(value.strip())):
        raise invalid("is not where a page starts")
    try:
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        raise invalid("is not where a page starts") from None
    return day, int(match.group(2))


After = Annotated[
    tuple[dt.date, int],
    BeforeValidator(_after),
    WithJsonSchema({"type": "string", "pattern": _AFTER.pattern}),
]


def after_of(day: dt.date, key: int) -> str:
    return f"{day.isoformat()}.{key}"


class PageQuery(InputSchema):
    after: After | None = None


class SearchQuery(InputSchema):
    """A contract's or claim's number, a receipt number, a holder's name or email."""

    q: text(200, min_length=2)


class _Reason(InputSchema):
    note: text(REASON_MAX) = ""


class _Amount(InputSchema):
    approved: Money
    note: text(REASON_MAX) = ""


# The three review forms of a claim's file, each under its own prefix so that their inputs
# keep distinct names and ids on one page (`confirming.note`, `changing.approved`...). The
# service checks that a reason is there where one is needed.
class ConfirmingIn(InputSchema):
    confirming: _Reason


class ChangingIn(InputSchema):
    changing: _Amount


class DenyingIn(InputSchema):
    denying: _Reason

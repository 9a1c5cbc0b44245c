"""Input checked once, at the edge: the typed models every door shares.

The partner API, the portals' forms, bulk files and the scenario runner all read input into
these pydantic models (django-ninja's `Schema`); services take the typed values they hold.
Lengths come from the model fields (`max_length_of`), choices from the rulebook's vocabulary,
unknown keys are refused, and every value the database cannot store is refused here, before
a service runs: integers have ranges, dates lie in a sane window, text has no NUL byte.

`validate_input` turns pydantic's errors into one `InvalidInput` naming the first field (all
of them in `.errors`), in words a person can act on, never echoing a sensitive value.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.views.decorators.debug import sensitive_variables
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from gemcare.common.clock import earliest_date, latest_future_date, today
from gemcare.common.errors import CommonError, InvalidInput
from gemcare.rules.dates import parse_date
from gemcare.rules.errors import RuleInputError
from gemcare.rules.money import MAX_AMOUNT, parse_money


class InputSchema(Schema):
    """Base of every input model: unknown keys are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info):
        """Input is a mapping (a JSON body, a form, a file's row): validate it once, as it
        is. ninja's own root validator validates a model that forbids extra keys twice, the
        mapping and then the mapping behind its attribute getter (made to read ORM objects),
        which on a nested cart doubled the cost of reading every request. Anything else (an
        object read by attributes) still goes through ninja's getter."""
        if isinstance(values, Mapping):
            return handler(values)
        handler(values)
        return handler(DjangoGetter(values, cls, info.context))


def max_length_of(model, field: str) -> int:
    """The column's own length, so a schema never lets through what the column refuses."""
    return model._meta.get_field(field).max_length


def invalid(message: str, *, code: str | None = None) -> PydanticCustomError:
    """The error a validator raises: its message is what the caller is told; `code`, when a
    rule across fields has its own (else `invalid`)."""
    return PydanticCustomError("gemcare_invalid", message, {"code": code} if code else None)


def error_code(item: dict) -> str:
    """The code of one of pydantic's errors, in the words of the application."""
    if item.get("type") == "extra_forbidden":
        return str(CommonError.UNKNOWN_FIELD)
    own = (item.get("ctx") or {}).get("code") if item.get("type") == "gemcare_invalid" else None
    return str(own or CommonError.INVALID)


# --- money -----------------------------------------------------------------------------------


def _money(value: object) -> Decimal:
    try:
        return parse_money(value, field="", allow_zero=True)
    except RuleInputError as error:
        raise invalid(error.message) from None


def _positive(amount: Decimal) -> Decimal:
    if amount == 0:
        raise invalid("must be greater than zero")
    return amount


_MONEY_SCHEMA = WithJsonSchema(
    {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$", "examples": ["85.00"]}
)
Money = Annotated[Decimal, BeforeValidator(_money), _MONEY_SCHEMA]
"""An amount in dollars: a string (or a Decimal or whole number), never a float, at most two
decimals, not negative, at most the largest amount a money column holds."""
PositiveMoney = Annotated[
    Decimal, BeforeValidator(_money), AfterValidator(_positive), _MONEY_SCHEMA
]
MAX_MONEY = MAX_AMOUNT


# --- whole numbers ---------------------------------------------------------------------------


def bounded_int(low: int, high: int) -> Any:
    """A whole number in [low, high]; booleans and fractions are refused, as are digit strings
    of absurd length (pydantic would otherwise spend time converting them)."""

    def check(value: object) -> int:
        # 4.0 is a whole number to JSON Schema, and so to a client generated from it.
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise invalid("must be a whole number")
        if isinstance(value, str):
            text = value.strip()
            if not re.fullmatch(r"-?\d{1,12}", text):
                raise invalid("must be a whole number")
            value = int(text)
        if not low <= value <= high:
            raise invalid(f"must be from {low} to {high}")
        return value

    return Annotated[
        int,
        BeforeValidator(check),
        WithJsonSchema({"type": "integer", "minimum": low, "maximum": high}),
    ]


# --- dates -----------------------------------------------------------------------------------


def _day(value: object) -> dt.date:
    if isinstance(value, str) and len(value) > 32:
        raise invalid("is not a date (expected YYYY-MM-DD)")
    try:
        return parse_date(value, field="")
    except RuleInputError as error:
        raise invalid(error.message) from None


def _not_before_earliest(day: dt.date) -> dt.date:
    if day < earliest_date():
        raise invalid(f"is before {earliest_date().isoformat()}, the earliest date accepted")
    return day


def _not_after_today(day: dt.date) -> dt.date:
    if day > today():
        raise invalid("is in the future")
    return day


def _not_too_far_ahead(day: dt.date) -> dt.date:
    if day > latest_future_date():
        raise invalid(f"is after {latest_future_date().isoformat()}, too far ahead")
    return day


_DATE_SCHEMA = WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-03-01"]})
PastDay = Annotated[
    dt.date,
    BeforeValidator(_day),
    AfterValidator(_not_before_earliest),
    AfterValidator(_not_after_today),
    _DATE_SCHEMA,
]
"""A date something happened: not after today (the platform's clock), not before the
earliest date in settings."""
Day = Annotated[
    dt.date,
    BeforeValidator(_day),
    AfterValidator(_not_before_earliest),
    AfterValidator(_not_too_far_ahead),
    _DATE_SCHEMA,
]
"""A date that may lie ahead (a notice's effective date, a policy start), within the window
settings allow."""


# A date of birth is older than any event, so the platform's earliest date does not bound it.
EARLIEST_BIRTH = dt.date(1900, 1, 1)


@sensitive_variables("value")
def _birth_date(value: object) -> dt.date:
    day = _day(value)
    if not EARLIEST_BIRTH <= day <= today():
        raise invalid(f"must lie between {EARLIEST_BIRTH.isoformat()} and today")
    return day


BirthDate = Annotated[
    dt.date,
    BeforeValidator(_birth_date),
    WithJsonSchema({"type": "string", "format": "date", "writeOnly": True}),
]
"""A date of birth (sensitive: never quoted in an error)."""


# --- text ------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: object) -> str:
    if not isinstance(value, str):
        raise invalid("must be text")
    if _CONTROL.search(value):
        raise invalid("must not contain control characters")
    return value.strip()


def text(max_length: int, *, min_length: int = 0) -> Any:
    """Text without control characters, stripped, of at most `max_length` characters."""

    def check_length(value: str) -> str:
        if len(value) < min_length:
            raise invalid(
                "must not be empty" if min_length == 1 else f"needs {min_length}+ characters"
            )
        if len(value) > max_length:
            raise invalid(f"must be at most {max_length} characters")
        return value

    def check_given_length(value: object) -> object:
        # Measured as given, before stripping, as the OpenAPI document's maxLength says.
        if isinstance(value, str) and len(value) > max_length:
            raise invalid(f"must be at most {max_length} characters")
        return value

    # The pattern says in the OpenAPI document what `_clean_text` refuses (and, where text is
    # required, that spaces alone are not text), so a generated client never sends it.
    allowed = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
    spaces = r"[^\S\x0b\x0c\x1c-\x1f]*"
    pattern = f"^{allowed}*$" if min_length == 0 else rf"^{spaces}[^\s\x00-\x1f\x7f]{allowed}*$"
    return Annotated[
        str,
        BeforeValidator(check_length),
        BeforeValidator(_clean_text),
        BeforeValidator(check_given_length),
        WithJsonSchema(
            {
                "type": "string",
                "minLength": min_length,
                "maxLength": max_length,
                "pattern": pattern,
            }
        ),
    ]


def email(max_length: int = 254) -> Any:
    """An email address, or empty: checked with Django's own validator."""

    def check(value: object) -> str:
        address = _clean_text(value)
        if len(address) > max_length:
            raise invalid(f"must be at most {max_length} characters")
        if address:
            try:
                validate_email(address)
            except DjangoValidationError:
                raise invalid("is not an email address") from None
        return address

    return Annotated[
        str,
        BeforeValidator(check),
        WithJsonSchema({"type": "string", "format": "email", "maxLength": max_length}),
    ]


def code(choices: Iterable[str], what: str) -> Any:
    """One of a fixed set of codes (the rulebook's vocabulary or a model's choices)."""
    allowed = frozenset(choices)

    def check(value: object) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise invalid(f"is not a known {what}")
        return value

    return Annotated[
        str, BeforeValidator(check), WithJsonSchema({"type": "string", "enum": sorted(allowed)})
    ]


def bounded_list(item: Any, *, max_items: int, min_items: int = 1) -> Any:
    """A list with a bound: a claim's lines, a policy's items."""
    return Annotated[list[item], Field(min_length=min_items, max_length=max_items)]


# --- reading input ---------------------------------------------------------------------------


def _where(loc: tuple, prefix: str) -> str:
    parts = [prefix] if prefix else []
    for part in loc:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part}]"]
        else:
            parts.append(str(part))
    return ".".join(parts) or prefix or "input"


_MESSAGES = {
    "extra_forbidden": "is not a known field",
    "missing": "is required",
    "too_short": "has too few entries",
    "too_long": "has too many entries",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
}


def _message(error: dict) -> str:
    if error["type"] == "gemcare_invalid":
        return error["msg"]
    if error["type"] == "too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return f"has too many entries (at most {limit})" if limit else "has too many entries"
    return _MESSAGES.get(error["type"], error["msg"][:1].lower() + error["msg"][1:])


def _quotable_input(error: dict) -> object:
    """The value an error may quote: never the enclosing mapping of a missing field, nor any
    mapping or list (it may hold a sensitive value under another key)."""
    value = error.get("input")
    if error["type"] == "missing" or isinstance(value, Mapping | list | tuple):
        return None
    return value


def input_errors(error: ValidationError, *, prefix: str = "") -> list[dict]:
    found = []
    for item in error.errors(include_url=False, include_input=True):
        found.append(
            {
                "field": _where(item["loc"], prefix),
                "message": _message(item),
                "code": error_code(item),
                "value": _quotable_input(item),
            }
        )
    return found


def validate_input[S: "InputSchema"](schema: type[S], data: object, *, prefix: str = "") -> S:
    """Read `data` (a mapping from JSON, YAML, a form or a file row) into `schema`."""
    if isinstance(data, schema):
        return data
    if not isinstance(data, Mapping):
        raise InvalidInput(prefix or "input", data, "must be an object")
    try:
        return schema.model_validate(dict(data))
    except ValidationError as error:
        found = input_errors(error, prefix=prefix)
        first = found[0]
        raise InvalidInput(
            first["field"],
            first["value"],
            first["message"],
            code=first["code"],
            errors=[{k: v for k, v in item.items() if k != "value"} for item in found],
        ) from None

"""One error family for the whole platform, mapped once to HTTP, pages and scenario results.

Every error has a stable `code`, an `ErrorCode` member of its domain's enumeration (each
domain lists its codes with their words in its `errors.py`). Bad input also names the
`field`, so the caller can say what is wrong and where. A service raises before it writes
anything, or inside its transaction, so a refused call changes nothing.

Messages never carry a sensitive value (SSN, government ID, date of birth, bank account) and
quote at most a short prefix of any other value: errors are logged and shown.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

from gemcare.rules.errors import RuleInputError, RuleRefusal

# The last part of a field name that marks it as sensitive (RULEBOOK 7).
SENSITIVE_FIELDS = frozenset({"ssn", "government_id", "date_of_birth", "bank_account"})
QUOTED_PREFIX = 40


class ErrorCode(StrEnum):
    """A stable code with the words that explain it: `CODE = "code", "words"`."""

    words: str

    def __new__(cls, value: str, words: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.words = words
        return member


class CommonError(ErrorCode):
    INVALID = "invalid", "A value is not what the field takes."
    UNKNOWN_FIELD = "unknown_field", "The input names a field that does not exist."
    NOT_FOUND = "not_found", "There is no such record, or it is not yours."
    ILLEGAL_TRANSITION = "illegal_transition", "The record cannot move to that status."


def is_sensitive(field: str | None) -> bool:
    if not field:
        return False
    last = field.replace("]", "").replace("[", ".").split(".")[-1]
    return last.lower() in SENSITIVE_FIELDS


def quoted(value: object, *, field: str | None = None) -> str | None:
    """What a message may show of a value: nothing of a sensitive one, else a short prefix."""
    if value is None:
        return None
    if is_sensitive(field):
        return "[hidden]"
    text = value if isinstance(value, str) and value.isprintable() else repr(value)
    if len(text) > QUOTED_PREFIX:
        return text[:QUOTED_PREFIX] + f"… ({len(text)} characters)"
    return text


class ApplicationError(Exception):
    http_status = 400

    def __init__(
        self, code: str, message: str, *, field: str | None = None, value: object = None
    ) -> None:
        self.code = str(code)
        self.message = message
        self.field = field
        # Only the quotable form is kept: the error may travel to a log or a page.
        self.value = quoted(value, field=field)
        super().__init__(self.describe())

    def describe(self) -> str:
        if self.field:
            if self.value is None:
                return f"{self.field}: {self.message}"
            return f"{self.field}: {self.message} (got {self.value})"
        return self.message

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
            body["value"] = self.value
        return body


class InvalidInput(ApplicationError):
    http_status = 422

    def __init__(
        self,
        field: str,
        value: object,
        message: str,
        *,
        code: str = CommonError.INVALID,
        errors: list[dict] | None = None,
    ) -> None:
        super().__init__(code, message, field=field, value=value)
        # Every problem found in the input, for callers that show them all (forms, files).
        self.errors = errors or [{"field": field, "message": message, "code": str(code)}]

    @classmethod
    def from_rule(cls, error: RuleInputError) -> "InvalidInput":
        return cls(error.field, error.value, error.message)


class NotFound(ApplicationError):
    """No such row, or not the caller's: the two answer alike, so nothing leaks."""

    http_status = 404

    def __init__(self, what: str, key: object) -> None:
        super().__init__(
            f"{what}_not_found", f"No {what.replace('_', ' ')} {quoted(key)!s}.", value=None
        )


class Refused(ApplicationError):
    """A well-formed request that the rules or the entity's state do not allow."""

    http_status = 409

    @classmethod
    def from_rule(cls, refusal: RuleRefusal) -> "Refused":
        return cls(refusal.code, refusal.message)


@contextmanager
def translate_rule_errors() -> Iterator[None]:
    """Turn the rules core's errors into application errors at the service boundary."""
    try:
        yield
    except RuleInputError as error:
        raise InvalidInput.from_rule(error) from error
    except RuleRefusal as error:
        raise Refused.from_rule(error) from error

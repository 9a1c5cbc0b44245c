"""One error family for the whole platform, mapped once to HTTP, pages and scenario results.

Every error has a stable `code`. Bad input also names the `field` and the `value`, so the
caller can say what is wrong and where. A service raises before it writes anything, or inside
its transaction, so a refused call changes nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from gemcare.rules.errors import RuleInputError, RuleRefusal


class ApplicationError(Exception):
    http_status = 400

    def __init__(
        self, code: str, message: str, *, field: str | None = None, value: object = None
    ) -> None:
        self.code = code
        self.message = message
        self.field = field
        self.value = value
        super().__init__(self.describe())

    def describe(self) -> str:
        if self.field:
            return f"{self.field}: {self.message} (got {self.value!r})"
        return self.message

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
            body["value"] = None if self.value is None else str(self.value)
        return body


class InvalidInput(ApplicationError):
    http_status = 422

    def __init__(self, field: str, value: object, message: str, *, code: str = "invalid") -> None:
        super().__init__(code, message, field=field, value=value)

    @classmethod
    def from_rule(cls, error: RuleInputError) -> "InvalidInput":
        return cls(error.field, error.value, error.message)


class NotFound(ApplicationError):
    http_status = 404

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what}_not_found", f"No {what.replace('_', ' ')} {key!r}.", value=key)


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

"""Errors the rules raise.

`RuleInputError` is bad input: a value that is not a date, an amount with three decimals,
an unknown code. It names the field and the value so that every caller (API, portal, bulk
file, scenario) can say what is wrong and where.

`RuleRefusal` is a well-formed request the rules refuse (a provider cancelling for a reason
the terms do not allow). Decisions that are part of normal business (a denied claim) are
not errors: they are decisions.
"""


class RuleInputError(ValueError):
    def __init__(self, field: str, value: object, message: str) -> None:
        self.field = field
        self.value = value
        self.message = message
        super().__init__(f"{field}: {message} (got {value!r})")


class RuleRefusal(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")

"""Money: `Decimal` US dollars, full precision inside a computation, rounded once to cents.

Amounts come in as strings or Decimals (never floats: a float has already lost the cents).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DOLLAR = Decimal("1")
# The largest amount a money column holds (12 digits, 2 of them cents).
MAX_AMOUNT = Decimal("9999999999.99")


def round_cents(amount: Decimal) -> Decimal:
    """Round a reported amount to cents, half-up (RULEBOOK §0)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def round_dollars(amount: Decimal) -> Decimal:
    return amount.quantize(DOLLAR, rounding=ROUND_HALF_UP).quantize(CENT)


def parse_money(value: object, *, field: str, allow_zero: bool = True) -> Decimal:
    """Read an amount given by a person or a partner system.

    Refuses floats, non-numbers, negatives and more than two decimals, naming the field.
    """
    from gemcare.rules.errors import RuleInputError

    if isinstance(value, (bool, float)):
        raise RuleInputError(field, value, 'an amount must be given as a string such as "85.00"')
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int | str):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise RuleInputError(field, value, "is not an amount") from None
    else:
        raise RuleInputError(field, value, "is not an amount")
    if not amount.is_finite():
        raise RuleInputError(field, value, "is not an amount")
    if amount < 0:
        raise RuleInputError(field, value, "must not be negative")
    if not allow_zero and amount == 0:
        raise RuleInputError(field, value, "must be greater than zero")
    try:
        cents = amount.quantize(CENT)
    except InvalidOperation:
        # Too many digits for the context ("1e30"): bad input, not a crash of the caller.
        raise RuleInputError(field, value, "is too large an amount") from None
    if amount != cents:
        raise RuleInputError(field, value, "has more than two decimals")
    if cents > MAX_AMOUNT:
        raise RuleInputError(field, value, f"is above the largest amount, {MAX_AMOUNT}")
    return cents


def parse_decimal(value: object, *, field: str) -> Decimal:
    """A non-money decimal (a rate, an index, a factor): positive, no float."""
    from gemcare.rules.errors import RuleInputError

    if isinstance(value, (bool, float)):
        raise RuleInputError(field, value, 'must be given as a string such as "1.25"')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise RuleInputError(field, value, "is not a number") from None
    if not number.is_finite() or number <= 0:
        raise RuleInputError(field, value, "must be a positive number")
    return number

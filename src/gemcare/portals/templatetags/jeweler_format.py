"""How the jeweler portal shows amounts and codes.

    {% load jeweler_format %}
    {{ contract.plan_price|dollars }}     -> $1,234.50 (two decimals, always)
    {{ "wear_and_tear"|cause_words }}     -> Wear and tear from normal use
    {{ "prong_repair"|service_words }}    -> Prong repair (retipping and rebuilding)
    {{ "pending_pickup"|code_words }}     -> Pending pickup
    {{ refund|plus:penalty|dollars }}     -> the two amounts added, to the cent

The words of causes and services are the certificate's own, so a page and the holder's
certificate say the same thing.
"""

from decimal import Decimal, InvalidOperation

from django import template

from gemcare.contracts.certificates import CAUSE_WORDS, SERVICE_WORDS

register = template.Library()


@register.filter
def dollars(amount) -> str:
    """An amount in dollars with two decimals and thousands separators; empty for None."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


@register.filter
def code_words(code) -> str:
    """A code as words: `pending_pickup` -> "Pending pickup"."""
    words = str(code or "").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@register.filter
def cause_words(code) -> str:
    return CAUSE_WORDS.get(str(code), code_words(code))


@register.filter
def service_words(code) -> str:
    return SERVICE_WORDS.get(str(code), code_words(code))


@register.filter
def plus(amount, other) -> Decimal:
    """Two amounts added exactly (Django's `add` would cut decimals off first)."""
    return Decimal(str(amount)) + Decimal(str(other))


@register.filter
def comma_spaced(text) -> str:
    """A comma-separated list as one reads it: `quotes,sales` -> "quotes, sales"."""
    return ", ".join(part for part in str(text or "").split(",") if part)

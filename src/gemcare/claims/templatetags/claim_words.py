"""How the claim pages and emails write amounts and codes.

{% load claim_words %}
{{ claim.approved|dollars }}          $1,234.00 (— for none)
{{ line.service|code_words }}         Prong repair
{{ claim.decision|decision_words }}   Partly approved
"""

from decimal import Decimal, InvalidOperation

from django import template

from gemcare.contracts.certificates import CAUSE_WORDS, SERVICE_WORDS
from gemcare.rules import adjudication

register = template.Library()

DECISION_WORDS = {
    adjudication.APPROVED: "Approved",
    adjudication.PARTIALLY_APPROVED: "Partly approved",
    adjudication.DENIED: "Denied",
    adjudication.RETURN_TO_JEWELER: "Returned to the jeweler",
}


@register.filter
def dollars(value) -> str:
    """An amount as people read it: a dollar sign, thousands separated, two decimals."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


@register.filter
def code_words(value) -> str:
    """A code of the rulebook's vocabulary in words: `prong_repair` -> "Prong repair"."""
    words = str(value or "").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@register.filter
def decision_words(value) -> str:
    return DECISION_WORDS.get(str(value), code_words(value))


@register.filter
def service_words(value) -> str:
    return SERVICE_WORDS.get(str(value), code_words(value))


@register.filter
def cause_words(value) -> str:
    return CAUSE_WORDS.get(str(value), code_words(value))


@register.filter
def add_money(amount, other) -> Decimal:
    """Two amounts added exactly (Django's `add` turns them into whole numbers first)."""
    return Decimal(str(amount)) + Decimal(str(other))

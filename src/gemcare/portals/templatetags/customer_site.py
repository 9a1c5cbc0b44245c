"""The customer site's template helpers.

{% load customer_site %}
{{ amount|money }}         $1,234.50 (two decimals, a $, thousands separated)
{{ day|day }}              Mar 1, 2026 (every date on the site reads this way)
{{ code|words }}           wear and tear (a code as words)
{% form_protection %}      the honeypot and the signed start time of a public form
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

from gemcare.portals.customer.protection import HONEYPOT_FIELD, STARTED_FIELD, form_started

register = template.Library()

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@register.filter
def money(value) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


@register.filter
def day(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        return ""
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


@register.filter
def words(value) -> str:
    return str(value or "").replace("_", " ")


@register.simple_tag
def form_protection(suffix: str = "") -> str:
    """An input people never see (robots fill it in) and the moment the form was drawn;
    `suffix` keeps the input's id unique on a page with two forms."""
    ident = f"f-{HONEYPOT_FIELD}" + (f"-{suffix}" if suffix else "")
    return format_html(
        '<div class="visually-hidden" aria-hidden="true">'
        '<label for="{0}">Leave this box empty</label>'
        '<input type="text" id="{0}" name="{1}" value="" tabindex="-1" autocomplete="off">'
        "</div>"
        '<input type="hidden" name="{2}" value="{3}">',
        ident,
        HONEYPOT_FIELD,
        STARTED_FIELD,
        form_started(),
    )

"""Quotes for a whole cart: every line against every plan on sale, kept for the sale.

A quote is on every point of sale's checkout, so its rows are written through compiled
statements (`gemcare.common.statements`, docs/decisions/0007 and 0021) and the plans on
sale come from the catalog kept per process (`plan_offers_on_sale`).
"""

import datetime as dt
import secrets
import string

from django.conf import settings
from django.utils import timezone

from gemcare.api.errors import QuoteError
from gemcare.api.models import Quote, QuoteItem, QuoteOffer
from gemcare.api.schemas import CartQuoteIn
from gemcare.catalog.selectors import plan_offers_on_sale
from gemcare.common.callers import Caller
from gemcare.common.errors import Refused
from gemcare.common.statements import CompiledInsert, InsertChain, Ref
from gemcare.rules.pricing import quote_plan

_ID_ALPHABET = string.ascii_lowercase + string.digits
QUOTE_FIELDS = (
    "public_id",
    "retailer_id",
    "store_id",
    "api_key_id",
    "holder_state",
    "is_test",
    "created_at",
    "expires_at",
)
QUOTES = CompiledInsert(Quote, *QUOTE_FIELDS)
QUOTE_ITEMS = CompiledInsert(
    QuoteItem, "quote_id", "line_id", "kind", "price", "sku", "description", "water_resistant"
)
QUOTE_OFFERS = CompiledInsert(
    QuoteOffer, "item_id", "product_version_id", "product_code", "plan_price"
)
QUOTE_ROWS = InsertChain(QUOTES, QUOTE_ITEMS, QUOTE_OFFERS)


def quote_id_new() -> str:
    """`qt_` and 20 characters drawn uniformly from 36 (about 103 bits), in one draw."""
    return "qt_" + _digits(secrets.randbelow(len(_ID_ALPHABET) ** 20), _ID_ALPHABET, 20)


def _digits(number: int, alphabet: str, length: int) -> str:
    base, digits = len(alphabet), []
    for _ in range(length):
        number, digit = divmod(number, base)
        digits.append(alphabet[digit])
    return "".join(digits)


def cart_quote(
    *, caller: Caller, cart: CartQuoteIn, is_test: bool, api_key=None
) -> tuple[Quote, list[dict]]:
    """The quote kept, and per line what each product offers or why it does not (the rules'
    own quote and reason: nothing is priced here). The quote, its lines and their offers
    are written together (`QUOTE_ROWS`: one statement on PostgreSQL, one transaction
    elsewhere)."""
    if not isinstance(caller, Caller) or not caller.is_retailer:
        raise TypeError("a cart is quoted for a retailer's Caller")
    seen: set[str] = set()
    for index, line in enumerate(cart.items):
        if line.line_id in seen:
            # Well formed, but the line ids conflict: a sale could not say which line it is.
            raise Refused(
                QuoteError.DUPLICATE_LINE,
                QuoteError.DUPLICATE_LINE.words,
                field=f"items[{index}].line_id",
            )
        seen.add(line.line_id)
    now = timezone.now()
    values = (
        quote_id_new(),
        caller.retailer_id,
        caller.store_id,
        api_key.pk if api_key is not None else None,
        cart.holder_state,
        is_test,
        now,
        now + dt.timedelta(days=settings.GEMCARE_QUOTE_DAYS),
    )
    versions = plan_offers_on_sale()
    items, answers, offers = [], [], []
    for number, line in enumerate(cart.items):
        items.append(
            (
                Ref(0),
                line.line_id,
                line.kind,
                line.price,
                line.sku,
                line.description,
                line.water_resistant,
            )
        )
        answer = {"line_id": line.line_id, "kind": line.kind, "price": line.price}
        answer["offers"], answer["not_offered"] = [], []
        for version, terms in versions:
            # Any kind no plan lists (loose stones, custom work) gets the rules' own reason.
            result = quote_plan(terms, item_kind=line.kind, item_price=line.price)
            if result.offer:
                offers.append((Ref(1, number), version.pk, terms.code, result.price))
                answer["offers"].append(
                    {
                        "product": terms.code,
                        "product_name": terms.name,
                        "version": terms.version,
                        "plan_price": result.price,
                        "term_years": terms.term_years,
                    }
                )
            else:
                answer["not_offered"].append(
                    {
                        "product": terms.code,
                        "code": result.reason.code,
                        "message": result.reason.words,
                    }
                )
        answers.append(answer)
    (quote_pk,), *_ = QUOTE_ROWS.insert([[values], items, offers])
    quote = Quote(pk=quote_pk, **dict(zip(QUOTE_FIELDS, values, strict=True)))
    return quote, answers

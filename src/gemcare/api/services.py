"""Quotes for a whole cart: every line against every plan on sale, kept for the sale."""

import datetime as dt
import secrets
import string

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gemcare.api.errors import QuoteError
from gemcare.api.models import Quote, QuoteItem, QuoteOffer
from gemcare.api.schemas import CartQuoteIn
from gemcare.catalog.selectors import plan_terms_of, plan_versions_on_sale
from gemcare.common.callers import Caller
from gemcare.common.errors import Refused
from gemcare.rules.pricing import quote_plan

_ID_ALPHABET = string.ascii_lowercase + string.digits


def quote_id_new() -> str:
    return "qt_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(20))


@transaction.atomic
def cart_quote(
    *, caller: Caller, cart: CartQuoteIn, is_test: bool, api_key=None
) -> tuple[Quote, list[dict]]:
    """The quote kept, and per line what each product offers or why it does not (the rules'
    own quote and reason: nothing is priced here)."""
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
    quote = Quote.objects.create(
        public_id=quote_id_new(),
        retailer_id=caller.retailer_id,
        store_id=caller.store_id,
        api_key=api_key,
        holder_state=cart.holder_state,
        is_test=is_test,
        expires_at=now + dt.timedelta(days=settings.GEMCARE_QUOTE_DAYS),
    )
    versions = [(version, plan_terms_of(version)) for version in plan_versions_on_sale()]
    items = QuoteItem.objects.bulk_create(
        [
            QuoteItem(
                quote=quote,
                line_id=line.line_id,
                kind=line.kind,
                price=line.price,
                sku=line.sku,
                description=line.description,
                water_resistant=line.water_resistant,
            )
            for line in cart.items
        ]
    )
    answers, offers = [], []
    for line, item in zip(cart.items, items, strict=True):
        answer = {"line_id": line.line_id, "kind": line.kind, "price": line.price}
        answer["offers"], answer["not_offered"] = [], []
        for version, terms in versions:
            # Any kind no plan lists (loose stones, custom work) gets the rules' own reason.
            result = quote_plan(terms, item_kind=line.kind, item_price=line.price)
            if result.offer:
                offers.append(
                    QuoteOffer(
                        item=item,
                        product_version=version,
                        product_code=terms.code,
                        plan_price=result.price,
                    )
                )
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
    QuoteOffer.objects.bulk_create(offers)
    return quote, answers

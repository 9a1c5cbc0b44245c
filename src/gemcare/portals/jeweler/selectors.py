"""What the jeweler portal reads beyond the domain's selectors: the plans offered for an
item as the counter types it."""

from dataclasses import dataclass
from decimal import Decimal

from gemcare.catalog.selectors import plan_versions_on_sale
from gemcare.common.callers import Caller
from gemcare.common.schemas import validate_input
from gemcare.contracts.schemas import QuoteIn
from gemcare.contracts.services import contract_quote


@dataclass(frozen=True, slots=True)
class Offer:
    product: str
    name: str
    term_years: int | None  # None: the lifetime of the holder
    offered: bool
    price: Decimal | None
    reason_code: str | None  # why it is not offered
    reason_words: str


def counter_offers(*, caller: Caller, kind: str, price: Decimal) -> list[Offer]:
    """Every plan on sale for an item of `kind` and `price`: its price, or why it is not
    offered, as the quoting service gives it (nothing is priced here, and nothing is kept:
    the counter asks again at every keystroke, unlike a cart quote)."""
    offers = []
    for version in plan_versions_on_sale():
        code = version.product.code
        quote = contract_quote(
            caller=caller,
            quote=validate_input(QuoteIn, {"product": code, "kind": kind, "price": price}),
        )
        offers.append(
            Offer(
                product=code,
                name=version.name,
                term_years=version.term_years,
                offered=quote.offer,
                price=quote.price,
                reason_code=quote.reason_code,
                reason_words=quote.reason.words,
            )
        )
    return offers

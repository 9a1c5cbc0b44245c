"""Quotes: what a plan costs for an item, or why it is not offered (RULEBOOK §2.2)."""

from dataclasses import dataclass
from decimal import Decimal

from gemcare.rules.money import round_cents
from gemcare.rules.products import PlanTerms
from gemcare.rules.reasons import Reason


@dataclass(frozen=True, slots=True)
class Quote:
    offer: bool
    price: Decimal | None
    reason: Reason

    @property
    def reason_code(self) -> str | None:
        return None if self.offer else self.reason.code


def quote_plan(terms: PlanTerms, *, item_kind: str, item_price: Decimal) -> Quote:
    if item_kind not in terms.item_kinds:
        return Quote(False, None, Reason.of("item_kind_not_covered", kind=item_kind))
    for band in terms.price_bands:
        if band.contains(item_price):
            return Quote(True, band.price, Reason.of("offered", price=band.price))
    lowest, highest = terms.price_bands[0], terms.price_bands[-1]
    if item_price < lowest.low:
        return Quote(False, None, Reason.of("price_below_bands", low=lowest.low))
    if item_price > highest.high:
        return Quote(False, None, Reason.of("price_above_bands", high=highest.high))
    # Bands are contiguous in the presets, but an edited product may leave a gap.
    return Quote(False, None, Reason.of("price_above_bands", high=item_price))


def retailer_commission(plan_price: Decimal, rate: Decimal) -> Decimal:
    """What the retailer keeps of a plan it sells (40% by default, set per retailer)."""
    return round_cents(plan_price * rate)

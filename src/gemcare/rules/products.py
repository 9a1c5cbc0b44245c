"""Plan products as data: the terms a contract is sold under.

A product version's definition is a plain mapping (what the presets ship and what the catalog
stores). `plan_terms_from_definition` checks it completely and turns it into `PlanTerms`, the
frozen input of every plan rule. A definition that would let a rule misbehave (overlapping
price bands, an unknown service, a negative price) is refused with the field that is wrong.
"""

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from gemcare.rules import vocabulary
from gemcare.rules.errors import RuleInputError
from gemcare.rules.money import CENT, parse_decimal, parse_money

TRANSFER_ANY = "any"
TRANSFER_GIFT_RECIPIENT_ONCE = "gift_recipient_once"
LIMIT_ITEM_PRICE = "item_price"
APPLIES_TO_HOLDER = "holder"
APPLIES_TO_BOTH = "both"


@dataclass(frozen=True, slots=True)
class PriceBand:
    low: Decimal
    high: Decimal
    price: Decimal

    def contains(self, item_price: Decimal) -> bool:
        return self.low <= item_price <= self.high


@dataclass(frozen=True, slots=True)
class CoveredService:
    item_kind: str
    service: str
    requires_water_resistant: bool = False
    max_sizes: int | None = None


@dataclass(frozen=True, slots=True)
class StateVariation:
    """A row of RULEBOOK §5.1: how a state changes the refund on cancellation."""

    state: str
    free_look_days: int | None
    free_look_requires_no_claim: bool
    deduct_services: bool
    unearned_factor: Decimal
    applies_to_provider: bool


@dataclass(frozen=True)
class PlanTerms:
    code: str
    version: int
    name: str
    item_kinds: frozenset[str]
    term_years: int | None  # None: the lifetime of the holder
    proration_years: int
    causes: frozenset[str]
    transfer: str
    aggregate_limit: str | None
    sold_with_item: bool
    return_to_jeweler_days: int | None
    free_look_days: int | None
    requires_maintenance: bool
    replacement: str
    services: Mapping[tuple[str, str], CoveredService] = field(compare=False)
    price_bands: tuple[PriceBand, ...]
    state_variations: Mapping[str, StateVariation] = field(compare=False)
    state_notices: Mapping[str, str] = field(compare=False)

    @property
    def is_lifetime(self) -> bool:
        return self.term_years is None

    def covered_service(self, item_kind: str, service: str) -> CoveredService | None:
        return self.services.get((item_kind, service))


def plan_terms_from_definition(code: str, version: int, definition: Mapping) -> PlanTerms:
    d = _Reader(definition, prefix="")
    item_kinds = d.codes("item_kinds", vocabulary.ITEM_KINDS, "item kind")
    term_years = d.optional_positive_int("term_years")
    proration_years = d.positive_int("proration_years")
    causes = d.codes("causes", vocabulary.COVERABLE_CAUSES, "coverable cause")
    transfer = d.choice("transfer", {TRANSFER_ANY, TRANSFER_GIFT_RECIPIENT_ONCE})
    aggregate_limit = d.optional_choice("aggregate_limit", {LIMIT_ITEM_PRICE})
    services: dict[tuple[str, str], CoveredService] = {}
    for index, row in enumerate(d.list("services")):
        r = _Reader(row, prefix=f"services[{index}].")
        kind = r.code("item_kind", item_kinds, "item kind of this product")
        service = r.code("service", vocabulary.SERVICES, "service code")
        if (kind, service) in services:
            raise RuleInputError(r.name("service"), service, f"is listed twice for {kind}")
        services[(kind, service)] = CoveredService(
            kind,
            service,
            requires_water_resistant=r.flag("requires_water_resistant", default=False),
            max_sizes=r.optional_positive_int("max_sizes"),
        )
    bands = []
    for index, row in enumerate(d.list("price_bands")):
        r = _Reader(row, prefix=f"price_bands[{index}].")
        band = PriceBand(
            low=parse_money(r.get("low"), field=r.name("low")),
            high=parse_money(r.get("high"), field=r.name("high")),
            price=parse_money(r.get("price"), field=r.name("price"), allow_zero=False),
        )
        if band.high < band.low:
            raise RuleInputError(r.name("high"), str(band.high), "is below the band's low")
        bands.append(band)
    bands.sort(key=lambda band: band.low)
    if not bands:
        raise RuleInputError("price_bands", [], "a product needs at least one price band")
    for before, after in itertools.pairwise(bands):
        if after.low <= before.high:
            raise RuleInputError("price_bands", str(after.low), "bands overlap")
    variations = {}
    for index, row in enumerate(d.list("state_variations", required=False)):
        r = _Reader(row, prefix=f"state_variations[{index}].")
        state = r.code("state", vocabulary.US_STATES, "US state")
        variations[state] = StateVariation(
            state=state,
            free_look_days=r.optional_positive_int("free_look_days"),
            free_look_requires_no_claim=r.flag("free_look_requires_no_claim", default=False),
            deduct_services=r.flag("deduct_services", default=True),
            unearned_factor=_factor(r, "unearned_factor"),
            applies_to_provider=r.choice("applies_to", {APPLIES_TO_HOLDER, APPLIES_TO_BOTH})
            == APPLIES_TO_BOTH,
        )
    notices = definition.get("state_notices") or {}
    for state in notices:
        vocabulary.check_code(state, vocabulary.US_STATES, field="state_notices", what="US state")
    return PlanTerms(
        code=code,
        version=version,
        name=d.text("name"),
        item_kinds=item_kinds,
        term_years=term_years,
        proration_years=proration_years,
        causes=causes,
        transfer=transfer,
        aggregate_limit=aggregate_limit,
        sold_with_item=d.flag("sold_with_item", default=True),
        return_to_jeweler_days=d.optional_positive_int("return_to_jeweler_days"),
        free_look_days=d.optional_positive_int("free_look_days"),
        requires_maintenance=d.flag("requires_maintenance", default=False),
        replacement=d.text("replacement"),
        services=services,
        price_bands=tuple(bands),
        state_variations=variations,
        state_notices=dict(notices),
    )


def _factor(reader: "_Reader", key: str) -> Decimal:
    factor = parse_decimal(reader.get(key, "1.0"), field=reader.name(key))
    if factor > 1:
        raise RuleInputError(reader.name(key), str(factor), "must be at most 1.0")
    return factor.quantize(CENT) if factor == factor.quantize(CENT) else factor


class _Reader:
    """Reads one mapping of a definition, naming fields by their path when they are wrong."""

    def __init__(self, data: object, *, prefix: str) -> None:
        if not isinstance(data, Mapping):
            raise RuleInputError(prefix.rstrip(".") or "definition", data, "must be a mapping")
        self.data = data
        self.prefix = prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def get(self, key: str, default: object = ...) -> object:
        if key in self.data and self.data[key] is not None:
            return self.data[key]
        if default is ...:
            raise RuleInputError(self.name(key), None, "is required")
        return default

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            raise RuleInputError(self.name(key), value, "must be a non-empty text")
        return value.strip()

    def flag(self, key: str, *, default: bool) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise RuleInputError(self.name(key), value, "must be true or false")
        return value

    def positive_int(self, key: str) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise RuleInputError(self.name(key), value, "must be a whole number above zero")
        return value

    def optional_positive_int(self, key: str) -> int | None:
        return None if self.get(key, None) is None else self.positive_int(key)

    def choice(self, key: str, allowed: set[str]) -> str:
        value = self.get(key)
        if value not in allowed:
            raise RuleInputError(self.name(key), value, f"must be one of {sorted(allowed)}")
        return value

    def optional_choice(self, key: str, allowed: set[str]) -> str | None:
        return None if self.get(key, None) is None else self.choice(key, allowed)

    def code(self, key: str, allowed: frozenset[str], what: str) -> str:
        return vocabulary.check_code(self.get(key), allowed, field=self.name(key), what=what)

    def codes(self, key: str, allowed: frozenset[str], what: str) -> frozenset[str]:
        values = self.list(key)
        if not values:
            raise RuleInputError(self.name(key), values, "must not be empty")
        return frozenset(
            vocabulary.check_code(value, allowed, field=f"{self.name(key)}[{index}]", what=what)
            for index, value in enumerate(values)
        )

    def list(self, key: str, *, required: bool = True) -> list:
        value = self.get(key, ... if required else [])
        if not isinstance(value, list | tuple):
            raise RuleInputError(self.name(key), value, "must be a list")
        return list(value)

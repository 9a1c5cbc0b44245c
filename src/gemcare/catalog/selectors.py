"""Reading products: a version's definition, and the frozen terms the rules take.

Published versions never change, so their terms are built once per process and kept.

What is on sale (the latest published version of every plan product, with its terms) is kept
per process too, for the quote and the sale, which read it on every request
(docs/decisions/0021-api-hot-path.md). Each read checks it against the catalog's signature,
one short query: how many versions are published, the highest id and the latest
publication time. Publishing, in any process, changes the count, so the next read anywhere
rebuilds; a publication rolled back and another made in its place (SQLite then reuses the
row id) has a later time, so a cached version is never served for another.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from gemcare.catalog.models import (
    PUBLISHED,
    InsuranceRatingVersion,
    PlanProductVersion,
)
from gemcare.common.errors import InvalidInput, NotFound, translate_rule_errors
from gemcare.common.statements import BoundRead, CompiledRead, column, table
from gemcare.rules.insurance import InsuranceRating, insurance_rating_from_definition
from gemcare.rules.products import PlanTerms, plan_terms_from_definition

_plan_terms: dict[int, PlanTerms] = {}
_ratings: dict[int, InsuranceRating] = {}


@dataclass(frozen=True, slots=True)
class OnSale:
    """The plan versions on sale, each with its terms, by product code; `signature` is the
    catalog's (see the module) when they were read."""

    signature: tuple
    versions: tuple[tuple[PlanProductVersion, PlanTerms], ...]
    by_code: dict[str, tuple[PlanProductVersion, PlanTerms]]


_on_sale: dict[str, OnSale] = {}  # by database alias: one entry, replaced whole


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _factor(value: Decimal) -> str:
    return format(value.normalize(), "f")


def forget_cached(version: PlanProductVersion | InsuranceRatingVersion) -> None:
    cache = _plan_terms if isinstance(version, PlanProductVersion) else _ratings
    cache.pop(version.pk, None)
    if isinstance(version, PlanProductVersion):
        # The signature would tell the next read; in the publishing process, at once.
        _on_sale.clear()


def plan_version_definition(version: PlanProductVersion) -> dict:
    return {
        "name": version.name,
        "item_kinds": list(version.item_kinds),
        "term_years": version.term_years,
        "proration_years": version.proration_years,
        "causes": list(version.causes),
        "transfer": version.transfer,
        "aggregate_limit": version.aggregate_limit or None,
        "sold_with_item": version.sold_with_item,
        "return_to_jeweler_days": version.return_to_jeweler_days,
        "free_look_days": version.free_look_days,
        "requires_maintenance": version.requires_maintenance,
        "replacement": version.replacement,
        "services": [
            {
                "item_kind": row.item_kind,
                "service": row.service,
                "requires_water_resistant": row.requires_water_resistant,
                "max_sizes": row.max_sizes,
            }
            for row in version.covered_services.all()
        ],
        "price_bands": [
            {"low": _money(b.low), "high": _money(b.high), "price": _money(b.price)}
            for b in version.bands.all()
        ],
        "state_variations": [
            {
                "state": row.state,
                "free_look_days": row.free_look_days,
                "free_look_requires_no_claim": row.free_look_requires_no_claim,
                "deduct_services": row.deduct_services,
                "unearned_factor": _factor(row.unearned_factor),
                "applies_to": row.applies_to,
            }
            for row in version.state_variations.all()
        ],
        "state_notices": {row.state: row.text for row in version.state_notices.all()},
    }


def plan_terms_of(version: PlanProductVersion) -> PlanTerms:
    """The rules' view of a version; drafts are checked afresh each time."""
    cached = _plan_terms.get(version.pk)
    if cached is not None:
        return cached
    with translate_rule_errors():
        terms = plan_terms_from_definition(
            version.product.code, version.number or 0, plan_version_definition(version)
        )
    if version.status == PUBLISHED:
        _plan_terms[version.pk] = terms
    return terms


def plan_terms_by_version_id(version_id: int) -> PlanTerms:
    cached = _plan_terms.get(version_id)
    if cached is not None:
        return cached
    return plan_terms_of(PlanProductVersion.objects.select_related("product").get(pk=version_id))


def plan_version_current(*, code: object) -> PlanProductVersion:
    """The latest published version of a plan product: what is sold today."""
    if not isinstance(code, str) or not code:
        raise InvalidInput("product", code, "is not a product code")
    version = (
        PlanProductVersion.objects.select_related("product")
        .filter(product__code=code, status=PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise InvalidInput(
            "product", code, "is not a published plan product", code="unknown_product"
        )
    return version


def plan_versions_on_sale() -> list[PlanProductVersion]:
    """The latest published version of every plan product, by product code: what is sold
    today, with the rows its definition reads. Shared by every caller: read them, never
    change them."""
    return [version for version, _ in on_sale().versions]


def plan_offers_on_sale() -> tuple[tuple[PlanProductVersion, PlanTerms], ...]:
    """What is sold today and its terms, by product code (a quote prices every one)."""
    return on_sale().versions


def plan_on_sale(*, code: object) -> tuple[PlanProductVersion, PlanTerms]:
    """The version of a plan product sold today and its terms: `plan_version_current` and
    `plan_terms_of` in one read of the kept catalog."""
    if not isinstance(code, str) or not code:
        raise InvalidInput("product", code, "is not a product code")
    found = on_sale().by_code.get(code)
    if found is None:
        raise InvalidInput(
            "product", code, "is not a published plan product", code="unknown_product"
        )
    return found


def on_sale() -> OnSale:
    """The plan versions on sale, read again only when the catalog's signature changed."""
    signature = _catalog_signature()
    kept = _on_sale.get(connection.alias)
    if kept is not None and kept.signature == signature:
        return kept
    kept = _on_sale_read(signature)
    _on_sale[connection.alias] = kept
    return kept


def _signature_sql(connection) -> str:
    quote = connection.ops.quote_name
    versions = PlanProductVersion
    return (
        f"SELECT COUNT(*), MAX({column(versions, 'id', quote)}),"
        f" MAX({column(versions, 'published_at', quote)}) FROM {table(versions, quote)}"
        f" WHERE {column(versions, 'status', quote)} = %s"
    )


# Read as the database gives them: the signature is only compared with itself.
_SIGNATURE = CompiledRead(_signature_sql, [None, None, None])


def catalog_signature_read() -> BoundRead:
    """The read of the catalog's signature that `on_sale` makes (for `reads_together`)."""
    return _SIGNATURE.bound([PUBLISHED])


def _catalog_signature() -> tuple:
    """(published versions, highest id, latest publication): see the module."""
    return tuple(_SIGNATURE.fetchone([PUBLISHED]))


def _on_sale_read(signature: tuple) -> OnSale:
    versions = (
        PlanProductVersion.objects.filter(status=PUBLISHED)
        .select_related("product")
        .prefetch_related("covered_services", "bands", "state_variations", "state_notices")
        .order_by("product__code", "-number")
    )
    latest: dict[int, PlanProductVersion] = {}
    for version in versions:
        latest.setdefault(version.product_id, version)
    offered = []
    for version in latest.values():
        with translate_rule_errors():
            terms = plan_terms_from_definition(
                version.product.code, version.number or 0, plan_version_definition(version)
            )
        # Built from the row just read: fresher than anything kept by its id.
        _plan_terms[version.pk] = terms
        offered.append((version, terms))
    return OnSale(
        signature=signature,
        versions=tuple(offered),
        by_code={version.product.code: (version, terms) for version, terms in offered},
    )


def insurance_rating_definition(version: InsuranceRatingVersion) -> dict:
    return {
        "name": version.product.name,
        "default_rate": _factor(version.default_rate),
        "state_rates": {row.state: _factor(row.rate) for row in version.state_rates.all()},
        "deductible_factors": {
            _money(row.deductible): _factor(row.factor) for row in version.deductible_factors.all()
        },
        "minimum_premium": _money(version.minimum_premium),
        "installment_fee": _money(version.installment_fee),
        "installment_counts": list(version.installment_counts),
    }


def insurance_rating_of(version: InsuranceRatingVersion) -> InsuranceRating:
    cached = _ratings.get(version.pk)
    if cached is not None:
        return cached
    with translate_rule_errors():
        rating = insurance_rating_from_definition(
            version.product.code, version.number or 0, insurance_rating_definition(version)
        )
    if version.status == PUBLISHED:
        _ratings[version.pk] = rating
    return rating


def insurance_rating_current(*, code: str = "personal-jewelry") -> InsuranceRatingVersion:
    version = (
        InsuranceRatingVersion.objects.select_related("product")
        .filter(product__code=code, status=PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise NotFound("insurance_product", code)
    return version

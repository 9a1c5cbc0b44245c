"""Writing the catalog: load a definition into a draft, publish a draft, start a new draft.

The catalog is the provider's own: every change is made by provider staff or the system, and
its audit entries belong to no tenant.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gemcare.catalog import selectors
from gemcare.catalog.errors import CatalogError
from gemcare.catalog.models import (
    DRAFT,
    PUBLISHED,
    InsuranceDeductibleFactor,
    InsuranceProduct,
    InsuranceRatingVersion,
    InsuranceStateRate,
    PlanCoveredService,
    PlanPriceBand,
    PlanProduct,
    PlanProductVersion,
    PlanStateNotice,
    PlanStateVariation,
)
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import Refused, translate_rule_errors
from gemcare.rules.insurance import insurance_rating_from_definition
from gemcare.rules.presets import INSURANCE_PRESETS, PLAN_PRESETS
from gemcare.rules.products import plan_terms_from_definition


def _check_provider(caller: Caller) -> None:
    if not caller.is_provider:
        raise Refused(CatalogError.NOT_ALLOWED, CatalogError.NOT_ALLOWED.words)


@transaction.atomic
def plan_product_load(*, caller: Caller, code: str, definition: dict) -> PlanProductVersion:
    """Write a definition into the product's draft (created if needed), checked first."""
    _check_provider(caller)
    with translate_rule_errors():
        terms = plan_terms_from_definition(code, 0, definition)
    product, _ = PlanProduct.objects.get_or_create(code=code, defaults={"name": terms.name})
    PlanProductVersion.objects.filter(product=product, status=DRAFT).delete()
    version = PlanProductVersion.objects.create(
        product=product,
        name=terms.name,
        item_kinds=sorted(terms.item_kinds),
        causes=sorted(terms.causes),
        term_years=terms.term_years,
        proration_years=terms.proration_years,
        transfer=terms.transfer,
        aggregate_limit=terms.aggregate_limit or "",
        sold_with_item=terms.sold_with_item,
        return_to_jeweler_days=terms.return_to_jeweler_days,
        free_look_days=terms.free_look_days,
        requires_maintenance=terms.requires_maintenance,
        replacement=terms.replacement,
    )
    PlanPriceBand.objects.bulk_create(
        PlanPriceBand(version=version, low=b.low, high=b.high, price=b.price)
        for b in terms.price_bands
    )
    PlanCoveredService.objects.bulk_create(
        PlanCoveredService(
            version=version,
            item_kind=s.item_kind,
            service=s.service,
            requires_water_resistant=s.requires_water_resistant,
            max_sizes=s.max_sizes,
        )
        for s in terms.services.values()
    )
    PlanStateVariation.objects.bulk_create(
        PlanStateVariation(
            version=version,
            state=v.state,
            free_look_days=v.free_look_days,
            free_look_requires_no_claim=v.free_look_requires_no_claim,
            deduct_services=v.deduct_services,
            unearned_factor=v.unearned_factor,
            applies_to="both" if v.applies_to_provider else "holder",
        )
        for v in terms.state_variations.values()
    )
    PlanStateNotice.objects.bulk_create(
        PlanStateNotice(version=version, state=state, text=text)
        for state, text in terms.state_notices.items()
    )
    audit_record(caller=caller, action="plan_draft_loaded", entity=version, data={"code": code})
    return version


@transaction.atomic
def insurance_product_load(
    *, caller: Caller, code: str, definition: dict
) -> InsuranceRatingVersion:
    _check_provider(caller)
    with translate_rule_errors():
        rating = insurance_rating_from_definition(code, 0, definition)
    product, _ = InsuranceProduct.objects.get_or_create(
        code=code, defaults={"name": definition.get("name") or code}
    )
    InsuranceRatingVersion.objects.filter(product=product, status=DRAFT).delete()
    version = InsuranceRatingVersion.objects.create(
        product=product,
        default_rate=rating.default_rate,
        minimum_premium=rating.minimum_premium,
        installment_fee=rating.installment_fee,
        installment_counts=list(rating.installment_counts),
    )
    InsuranceStateRate.objects.bulk_create(
        InsuranceStateRate(version=version, state=state, rate=rate)
        for state, rate in rating.state_rates.items()
    )
    InsuranceDeductibleFactor.objects.bulk_create(
        InsuranceDeductibleFactor(version=version, deductible=deductible, factor=factor)
        for deductible, factor in rating.deductible_factors.items()
    )
    audit_record(caller=caller, action="rating_draft_loaded", entity=version, data={"code": code})
    return version


@transaction.atomic
def version_publish(*, caller: Caller, version: PlanProductVersion | InsuranceRatingVersion):
    """Check a draft completely, then freeze it as the product's next version."""
    _check_provider(caller)
    model = type(version)
    version = model.objects.select_for_update().select_related("product").get(pk=version.pk)
    if version.status != DRAFT:
        raise Refused(CatalogError.VERSION_NOT_DRAFT, f"{version} is already published.")
    if isinstance(version, PlanProductVersion):
        selectors.plan_terms_of(version)
    else:
        selectors.insurance_rating_of(version)
    latest = model.objects.filter(product=version.product).aggregate(n=Max("number"))["n"]
    # Rows are written through the queryset: the model refuses saves once published.
    model.objects.filter(pk=version.pk).update(
        number=(latest or 0) + 1, status=PUBLISHED, published_at=timezone.now()
    )
    version.refresh_from_db()
    # Published terms are cached by id; an id reused after a rolled-back transaction (SQLite
    # reuses row ids) must not serve the terms of the version that had it before.
    selectors.forget_cached(version)
    audit_record(
        caller=caller, action="version_published", entity=version, data={"number": version.number}
    )
    return version


@transaction.atomic
def draft_create(*, caller: Caller, product: PlanProduct | InsuranceProduct):
    """A new draft copying the latest published version, to edit and publish."""
    _check_provider(caller)
    if product.versions.filter(status=DRAFT).exists():
        raise Refused(CatalogError.DRAFT_EXISTS, f"{product} already has a draft.")
    latest = product.versions.filter(status=PUBLISHED).order_by("-number").first()
    if latest is None:
        raise Refused(
            CatalogError.NO_PUBLISHED_VERSION, f"{product} has no published version to copy."
        )
    if isinstance(product, PlanProduct):
        return plan_product_load(
            caller=caller, code=product.code, definition=selectors.plan_version_definition(latest)
        )
    return insurance_product_load(
        caller=caller,
        code=product.code,
        definition=selectors.insurance_rating_definition(latest),
    )


def presets_load(*, caller: Caller) -> list[str]:
    """Publish each preset product that is not in the catalog yet; returns the codes loaded."""
    loaded = []
    for code, definition in PLAN_PRESETS.items():
        if not PlanProductVersion.objects.filter(product__code=code).exists():
            version_publish(
                caller=caller,
                version=plan_product_load(caller=caller, code=code, definition=definition),
            )
            loaded.append(code)
    for code, definition in INSURANCE_PRESETS.items():
        if not InsuranceRatingVersion.objects.filter(product__code=code).exists():
            version_publish(
                caller=caller,
                version=insurance_product_load(caller=caller, code=code, definition=definition),
            )
            loaded.append(code)
    return loaded

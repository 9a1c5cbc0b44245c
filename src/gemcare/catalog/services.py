"""Writing the catalog: load a definition into a draft, publish a draft, start a new draft."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gemcare.catalog import selectors
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
from gemcare.common.errors import Refused, translate_rule_errors
from gemcare.rules.insurance import insurance_rating_from_definition
from gemcare.rules.presets import INSURANCE_PRESETS, PLAN_PRESETS
from gemcare.rules.products import plan_terms_from_definition


@transaction.atomic
def plan_product_load(*, code: str, definition: dict, actor=None) -> PlanProductVersion:
    """Write a definition into the product's draft (created if needed), checked first."""
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
    audit_record(actor=actor, action="plan_draft_loaded", entity=version, data={"code": code})
    return version


@transaction.atomic
def insurance_product_load(*, code: str, definition: dict, actor=None) -> InsuranceRatingVersion:
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
    audit_record(actor=actor, action="rating_draft_loaded", entity=version, data={"code": code})
    return version


@transaction.atomic
def version_publish(*, version: PlanProductVersion | InsuranceRatingVersion, actor=None):
    """Check a draft completely, then freeze it as the product's next version."""
    model = type(version)
    version = model.objects.select_for_update().select_related("product").get(pk=version.pk)
    if version.status != DRAFT:
        raise Refused("version_not_draft", f"{version} is already published.")
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
        actor=actor, action="version_published", entity=version, data={"number": version.number}
    )
    return version


@transaction.atomic
def draft_create(*, product: PlanProduct | InsuranceProduct, actor=None):
    """A new draft copying the latest published version, to edit and publish."""
    if product.versions.filter(status=DRAFT).exists():
        raise Refused("draft_exists", f"{product} already has a draft.")
    latest = product.versions.filter(status=PUBLISHED).order_by("-number").first()
    if latest is None:
        raise Refused("no_published_version", f"{product} has no published version to copy.")
    if isinstance(product, PlanProduct):
        return plan_product_load(
            code=product.code, definition=selectors.plan_version_definition(latest), actor=actor
        )
    return insurance_product_load(
        code=product.code, definition=selectors.insurance_rating_definition(latest), actor=actor
    )


def presets_load(*, actor=None) -> list[str]:
    """Publish each preset product that is not in the catalog yet; returns the codes loaded."""
    loaded = []
    for code, definition in PLAN_PRESETS.items():
        if not PlanProductVersion.objects.filter(product__code=code).exists():
            version_publish(
                version=plan_product_load(code=code, definition=definition, actor=actor),
                actor=actor,
            )
            loaded.append(code)
    for code, definition in INSURANCE_PRESETS.items():
        if not InsuranceRatingVersion.objects.filter(product__code=code).exists():
            version_publish(
                version=insurance_product_load(code=code, definition=definition, actor=actor),
                actor=actor,
            )
            loaded.append(code)
    return loaded

"""The catalog: presets, published versions that never change, drafts and new versions.

RULEBOOK §2: a contract keeps the product version it was sold under forever, and publishing a
new version never changes sold contracts.
"""

import copy
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import transaction
from factories import cancel, catalog_counts, row_counts, sell, snapshot

from gemcare.catalog.errors import CatalogError
from gemcare.catalog.models import (
    DRAFT,
    PUBLISHED,
    InsuranceDeductibleFactor,
    InsuranceRatingVersion,
    InsuranceStateRate,
    PlanProduct,
    PlanProductVersion,
)
from gemcare.catalog.selectors import plan_terms_of, plan_version_current
from gemcare.catalog.services import draft_create, plan_product_load, version_publish
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.models import AuditEntry
from gemcare.rules.presets import PLAN_PRESETS

PLAN_CODES = {"care-jewelry-lifetime", "care-jewelry-3yr", "care-watch-3yr", "ljpp-lifetime"}
LJPP = "ljpp-lifetime"
STAFF = Caller.system("catalog")


@contextmanager
def published_refusal():
    with pytest.raises(Refused) as refused:
        yield
    assert refused.value.code == CatalogError.PUBLISHED_VERSION_CHANGED


def ljpp_v2_with_band_price(price: str) -> PlanProductVersion:
    """A new ljpp version whose 1,000.00-1,999.99 band costs `price` (179.00 in v1)."""
    draft = draft_create(caller=STAFF, product=PlanProduct.objects.get(code=LJPP))
    band = draft.bands.get(low=Decimal("1000.00"))
    band.price = Decimal(price)
    band.save()
    return version_publish(caller=STAFF, version=draft)


# --- published versions refuse changes -------------------------------------------------------


def test_a_published_version_refuses_save_and_delete(presets):
    version = plan_version_current(code=LJPP)
    before = snapshot(version)

    version.name = "Renamed"
    with published_refusal():
        version.save()
    with published_refusal():
        version.delete()

    assert snapshot(version) == before


@pytest.mark.parametrize("rows", ["bands", "covered_services", "state_variations", "state_notices"])
def test_the_rows_of_a_published_version_refuse_save_and_delete(presets, rows):
    row = getattr(plan_version_current(code=LJPP), rows).first()
    before = snapshot(row)
    counts = catalog_counts()

    with published_refusal():
        row.save()
    with published_refusal():
        row.delete()
    with published_refusal():
        type(row)(version=row.version).save()

    assert snapshot(row) == before
    assert catalog_counts() == counts


@pytest.mark.parametrize("model", [InsuranceStateRate, InsuranceDeductibleFactor])
def test_the_rows_of_a_published_rating_refuse_save_and_delete(presets, model):
    row = model.objects.first()
    before = snapshot(row)

    with published_refusal():
        row.save()
    with published_refusal():
        row.delete()

    assert snapshot(row) == before


def test_a_published_rating_version_refuses_save_and_delete(presets):
    rating = InsuranceRatingVersion.objects.get()
    before = snapshot(rating)

    with published_refusal():
        rating.save()
    with published_refusal():
        rating.delete()

    assert snapshot(rating) == before


# --- drafts and new versions -----------------------------------------------------------------


def test_draft_create_copies_the_latest_published_version(presets):
    v1 = plan_version_current(code=LJPP)

    draft = draft_create(caller=STAFF, product=v1.product)

    assert (draft.status, draft.number) == (DRAFT, None)
    assert plan_version_current(code=LJPP) == v1

    def rows(version):
        return (
            [(b.low, b.high, b.price) for b in version.bands.all()],
            sorted((s.item_kind, s.service, s.max_sizes) for s in version.covered_services.all()),
            [
                (v.state, v.free_look_days, v.unearned_factor, v.applies_to)
                for v in version.state_variations.all()
            ],
            {n.state: n.text for n in version.state_notices.all()},
        )

    assert rows(draft) == rows(v1)
    assert (draft.name, draft.transfer, draft.aggregate_limit, draft.proration_years) == (
        v1.name,
        v1.transfer,
        v1.aggregate_limit,
        v1.proration_years,
    )


def test_a_draft_is_editable_and_publishes_as_version_2(presets):
    v1 = plan_version_current(code=LJPP)

    v2 = ljpp_v2_with_band_price("199.00")

    assert (v2.number, v2.status) == (2, PUBLISHED)
    assert plan_version_current(code=LJPP) == v2
    assert v2.bands.get(low=Decimal("1000.00")).price == Decimal("199.00")
    assert v1.bands.get(low=Decimal("1000.00")).price == Decimal("179.00")
    assert AuditEntry.objects.filter(action="version_published", data={"number": 2}).exists()


def test_a_second_draft_is_refused(presets):
    product = PlanProduct.objects.get(code=LJPP)
    draft_create(caller=STAFF, product=product)
    before = catalog_counts()

    with pytest.raises(Refused) as refused:
        draft_create(caller=STAFF, product=product)

    assert refused.value.code == CatalogError.DRAFT_EXISTS
    assert catalog_counts() == before


def test_publishing_a_published_version_again_is_refused(presets):
    version = plan_version_current(code=LJPP)
    before = snapshot(version)
    counts = catalog_counts()

    with pytest.raises(Refused) as refused:
        version_publish(caller=STAFF, version=version)

    assert refused.value.code == CatalogError.VERSION_NOT_DRAFT
    assert snapshot(version) == before
    assert catalog_counts() == counts


def test_a_contract_sold_under_v1_keeps_v1_and_its_refund_after_v2_changes_the_band(presets):
    contract = sell(LJPP, state="OK", price="1200.00", purchased=dt.date(2024, 3, 1))
    v1 = contract.product_version

    ljpp_v2_with_band_price("199.00")
    contract.refresh_from_db()
    cancellation = cancel(contract, date="2025-03-01", by="holder")

    assert contract.product_version == v1
    assert contract.plan_price == Decimal("179.00")
    # 179.00 x 1461 days left / 1826 days in 5 years x 0.9 (OK) = 128.8976… → 128.90.
    # Under v2's 199.00 it would be 143.30.
    assert cancellation.refund == Decimal("128.90")


def test_new_sales_take_the_new_versions_price(presets):
    ljpp_v2_with_band_price("199.00")

    contract = sell(LJPP, price="1200.00")

    assert contract.product_version.number == 2
    assert contract.plan_price == Decimal("199.00")
    # 40% default commission of 199.00.
    assert contract.commission == Decimal("79.60")


# --- invalid drafts and definitions ----------------------------------------------------------


def test_publishing_a_draft_with_overlapping_bands_is_refused(presets):
    draft = draft_create(caller=STAFF, product=PlanProduct.objects.get(code=LJPP))
    band = draft.bands.get(low=Decimal("1000.00"))
    band.low = Decimal("999.00")  # overlaps 500.00-999.99
    band.save()
    before = snapshot(draft)
    counts = catalog_counts()

    with pytest.raises(InvalidInput) as invalid:
        version_publish(caller=STAFF, version=draft)

    assert invalid.value.field == "price_bands"
    assert "overlap" in invalid.value.message
    assert snapshot(draft) == before
    assert (before["status"], before["number"]) == (DRAFT, None)
    assert catalog_counts() == counts
    assert plan_version_current(code=LJPP).number == 1


def test_publishing_a_draft_with_an_unknown_service_code_is_refused(presets):
    draft = draft_create(caller=STAFF, product=PlanProduct.objects.get(code=LJPP))
    first = draft.covered_services.first()  # the definition lists services in this order
    first.service = "teleportation"
    first.save()
    before = snapshot(draft)
    counts = catalog_counts()

    with pytest.raises(InvalidInput) as invalid:
        version_publish(caller=STAFF, version=draft)

    assert invalid.value.field == "services[0].service"
    assert invalid.value.value == "teleportation"
    assert snapshot(draft) == before
    assert catalog_counts() == counts
    assert plan_version_current(code=LJPP).number == 1


def bad_price_definition() -> dict:
    definition = copy.deepcopy(PLAN_PRESETS["care-jewelry-3yr"])
    definition["price_bands"][2]["price"] = "-99.00"
    return definition


def test_plan_product_load_with_a_negative_price_writes_nothing(db):
    before = catalog_counts()

    with pytest.raises(InvalidInput) as invalid:
        plan_product_load(caller=STAFF, code="care-new", definition=bad_price_definition())

    assert invalid.value.field == "price_bands[2].price"
    assert invalid.value.value == "-99.00"
    assert catalog_counts() == before


def test_plan_product_load_refused_keeps_the_existing_draft(presets):
    draft = draft_create(caller=STAFF, product=PlanProduct.objects.get(code="care-jewelry-3yr"))
    before = catalog_counts()

    with pytest.raises(InvalidInput) as invalid:
        plan_product_load(caller=STAFF, code="care-jewelry-3yr", definition=bad_price_definition())

    assert invalid.value.field == "price_bands[2].price"
    assert catalog_counts() == before
    assert PlanProductVersion.objects.get(product__code="care-jewelry-3yr", status=DRAFT) == draft


# --- the terms cache -------------------------------------------------------------------------


def test_terms_of_a_rolled_back_version_are_not_served_for_another(presets):
    with pytest.raises(RuntimeError), transaction.atomic():
        ljpp_v2_with_band_price("199.00")
        plan_terms_of(plan_version_current(code=LJPP))  # read, and so cached
        raise RuntimeError("roll back")

    draft = draft_create(caller=STAFF, product=PlanProduct.objects.get(code="care-jewelry-3yr"))
    version_publish(caller=STAFF, version=draft)
    terms = plan_terms_of(plan_version_current(code="care-jewelry-3yr"))

    assert terms.code == "care-jewelry-3yr"
    assert row_counts()["Contract"] == 0


# --- who may change the catalog, and what the back office shows ------------------------------


def test_a_retailer_may_not_change_the_catalog(presets):
    from factories import retailer_make

    retailer = Caller.retailer(retailer_make())
    product = PlanProduct.objects.get(code=LJPP)
    counts = catalog_counts()

    with pytest.raises(Refused) as refused:
        draft_create(caller=retailer, product=product)

    assert refused.value.code == CatalogError.NOT_ALLOWED
    assert catalog_counts() == counts


def test_the_admin_shows_the_words_of_a_refusal(presets, admin_client):
    from django.contrib.messages import get_messages
    from django.urls import reverse

    version = plan_version_current(code=LJPP)
    counts = catalog_counts()

    response = admin_client.post(
        reverse("admin:catalog_planproductversion_changelist"),
        {"action": "publish", "_selected_action": [version.pk]},
    )

    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(CatalogError.VERSION_NOT_DRAFT.words in message for message in shown), shown
    assert catalog_counts() == counts


def test_every_catalog_code_has_its_words():
    assert all(code.words for code in CatalogError)

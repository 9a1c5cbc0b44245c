"""Loading the preset products (RULEBOOK §2 and §6) into an empty catalog."""

from decimal import Decimal

from factories import catalog_counts

from gemcare.catalog.models import PUBLISHED, InsuranceRatingVersion, PlanProductVersion
from gemcare.catalog.services import presets_load
from gemcare.common.callers import Caller

PLAN_CODES = {"care-jewelry-lifetime", "care-jewelry-3yr", "care-watch-3yr", "ljpp-lifetime"}
LJPP = "ljpp-lifetime"
PRESETS = Caller.system("presets")


def test_presets_load_publishes_four_plans_and_one_insurance_product_as_version_1(db):
    loaded = presets_load(caller=PRESETS)

    assert set(loaded) == PLAN_CODES | {"personal-jewelry"}
    versions = PlanProductVersion.objects.select_related("product")
    assert {version.product.code for version in versions} == PLAN_CODES
    assert {(version.number, version.status) for version in versions} == {(1, PUBLISHED)}
    assert all(version.published_at is not None for version in versions)
    rating = InsuranceRatingVersion.objects.get()
    assert (rating.product.code, rating.number, rating.status) == ("personal-jewelry", 1, PUBLISHED)
    ljpp = versions.get(product__code=LJPP)
    # RULEBOOK §2.2: six bands for ljpp (not offered from 10,000.00), 69.00 to 549.00.
    first = ljpp.bands.first()
    assert (first.low, first.high, first.price) == (
        Decimal("25.00"),
        Decimal("499.99"),
        Decimal("69.00"),
    )
    assert ljpp.bands.count() == 6
    assert ljpp.bands.last().price == Decimal("549.00")
    assert ljpp.state_variations.count() == 7


def test_presets_load_twice_changes_nothing(db):
    presets_load(caller=PRESETS)
    before = catalog_counts()

    assert presets_load(caller=PRESETS) == []

    assert catalog_counts() == before

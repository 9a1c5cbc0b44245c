"""The plans on sale, kept per process: one short query a read, and never stale.

A quote and a sale read what is on sale on every request; the catalog keeps the versions and
their terms and checks them against its signature (how many versions are published, the
highest id, the latest publication) with one query. A publication anywhere changes it; so
does a publication rolled back and another made in its place, although SQLite then hands
out the same row id again.
"""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories import store_make

from gemcare.catalog import selectors
from gemcare.catalog.models import PlanProduct, PlanProductVersion
from gemcare.catalog.selectors import (
    plan_offers_on_sale,
    plan_on_sale,
    plan_terms_of,
    plan_version_current,
    plan_versions_on_sale,
)
from gemcare.catalog.services import draft_create, version_publish
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput
from gemcare.partners.services import api_key_create

STAFF = Caller.system("catalog")
LJPP = "ljpp-lifetime"
BAND = Decimal("1000.00")  # the low end of the band whose price the tests change


@pytest.fixture(autouse=True)
def on_sale_cleared():
    selectors._on_sale.clear()
    yield
    selectors._on_sale.clear()


def published_elsewhere(monkeypatch) -> None:
    """Publications from here on behave as another process's: this one is not told."""
    monkeypatch.setattr(selectors, "forget_cached", lambda version: None)


def new_version(code: str, band_price: str) -> PlanProductVersion:
    draft = draft_create(caller=STAFF, product=PlanProduct.objects.get(code=code))
    band = draft.bands.get(low=BAND)
    band.price = Decimal(band_price)
    band.save()
    return version_publish(caller=STAFF, version=draft)


def band_price(terms) -> Decimal:
    return next(band.price for band in terms.price_bands if band.low == BAND)


def test_what_is_on_sale_is_the_latest_version_of_each_product(presets):
    offered = plan_offers_on_sale()
    codes = [terms.code for _, terms in offered]
    assert codes == sorted(codes) and len(codes) == PlanProduct.objects.count()
    for version, terms in offered:
        assert version == plan_version_current(code=terms.code)
        assert terms == plan_terms_of(PlanProductVersion.objects.get(pk=version.pk))
    assert plan_versions_on_sale() == [version for version, _ in offered]
    version, terms = plan_on_sale(code=LJPP)
    assert (version.product.code, terms.code) == (LJPP, LJPP)


@pytest.mark.parametrize("code", ["no-such-plan", "", None, 7, ["ljpp-lifetime"]])
def test_an_unknown_product_is_refused_by_name(presets, code):
    with pytest.raises(InvalidInput) as error:
        plan_on_sale(code=code)
    assert error.value.field == "product"


def test_a_kept_read_costs_one_short_query(presets):
    plan_offers_on_sale()
    with CaptureQueriesContext(connection) as queries:
        first = plan_on_sale(code=LJPP)
        second = plan_offers_on_sale()
    assert len(queries) == 2
    assert all("COUNT(*)" in query["sql"] for query in queries)
    assert first in second


def test_a_version_published_by_another_process_is_on_sale_at_the_next_read(presets, monkeypatch):
    v1, terms_v1 = plan_on_sale(code=LJPP)
    assert band_price(terms_v1) == Decimal("179.00")
    published_elsewhere(monkeypatch)
    v2 = new_version(LJPP, "199.00")
    version, terms = plan_on_sale(code=LJPP)
    assert (version.pk, version.number, terms.version) == (v2.pk, 2, 2)
    assert band_price(terms) == Decimal("199.00")
    assert v1.number == 1  # what was kept is untouched, only no longer on sale


def test_the_publishing_process_forgets_at_once(presets):
    plan_on_sale(code=LJPP)
    new_version(LJPP, "201.00")
    assert not selectors._on_sale
    assert band_price(plan_on_sale(code=LJPP)[1]) == Decimal("201.00")


def test_a_rolled_back_publication_is_never_served_for_another(presets, monkeypatch):
    """SQLite reuses the id of a row rolled back: the version published next gets it. The
    publication time in the signature still tells the two apart, with no help from the
    publishing process."""
    published_elsewhere(monkeypatch)
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = new_version(LJPP, "199.00")
        assert band_price(plan_on_sale(code=LJPP)[1]) == Decimal("199.00")  # kept
        raise RuntimeError("roll back")
    assert band_price(plan_on_sale(code=LJPP)[1]) == Decimal("179.00")
    other = new_version("care-jewelry-3yr", "99.00")
    version, terms = plan_on_sale(code="care-jewelry-3yr")
    assert (version.pk, terms.code, terms.version) == (other.pk, "care-jewelry-3yr", 2)
    ljpp, ljpp_terms = plan_on_sale(code=LJPP)
    assert (ljpp.number, band_price(ljpp_terms)) == (1, Decimal("179.00"))
    if connection.vendor == "sqlite":
        assert other.pk == rolled_back.pk  # the case this guards against


def test_a_quote_offers_the_new_version_at_once(presets, monkeypatch):
    """Through the API: a point of sale quoting right after a publication elsewhere."""
    _, text = api_key_create(
        caller=Caller.system("tests"),
        retailer=store_make(state="TX").retailer,
        name="POS",
        scopes=["quotes"],
        is_test=False,
    )
    client = Client(headers={"Authorization": f"Bearer {text}"})
    cart = {"holder_state": "TX", "items": [{"line_id": "1", "kind": "ring", "price": "1200.00"}]}

    def ljpp_offer():
        answer = client.post("/api/v1/quotes", cart, content_type="application/json")
        assert answer.status_code == 201
        offers = answer.json()["items"][0]["offers"]
        return next(offer for offer in offers if offer["product"] == LJPP)

    assert (ljpp_offer()["version"], ljpp_offer()["plan_price"]) == (1, "179.00")
    published_elsewhere(monkeypatch)
    new_version(LJPP, "199.00")
    assert (ljpp_offer()["version"], ljpp_offer()["plan_price"]) == (2, "199.00")

"""Quoting and binding a policy (RULEBOOK §6)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from insurance_factories import RING, bind, quote, row_counts

from gemcare.common.errors import InvalidInput
from gemcare.common.models import AuditEntry
from gemcare.insurance.models import NamedInsured, Policy, PolicyEvent
from gemcare.insurance.selectors import policy_items, policy_premium_in_force


def test_quote_the_rulebook_ring(presets):
    premium_quote = quote(state="WI", deductible="100", limits=["8000.00"])
    assert premium_quote.premium == Decimal("96.00")
    assert premium_quote.item_premiums == (Decimal("96.00"),)
    assert premium_quote.installment is None


def test_quote_state_rate_and_deductible_factor(presets):
    # CA 1.45, deductible 0 → factor 1.10: 25 x 1.45 x 1.10 = 39.875 → 39.88; 50 x … = 79.75
    premium_quote = quote(state="CA", deductible=Decimal("0"), limits=["2500", Decimal("5000.00")])
    assert premium_quote.item_premiums == (Decimal("39.88"), Decimal("79.75"))
    assert premium_quote.premium == Decimal("119.63")
    # NY 1.55, deductible 1,000 → 0.75: 100 x 1.55 x 0.75 = 116.25
    assert quote(state="NY", deductible="1000", limits=["10000"]).premium == Decimal("116.25")


def test_quote_in_installments(presets):
    premium_quote = quote(state="WI", deductible="100", limits=["8000"], installments=12)
    assert premium_quote.premium == Decimal("96.00")
    assert premium_quote.installment == Decimal("10.50")  # 96 / 12 = 8.00, plus the 2.50 fee


def test_quote_minimum_premium(presets):
    # 10 x 1.20 = 12.00 for the item, but a policy costs at least 50.00
    premium_quote = quote(state="WI", deductible="100", limits=["1000"], installments="12")
    assert premium_quote.item_premiums == (Decimal("12.00"),)
    assert premium_quote.premium == Decimal("50.00")
    assert premium_quote.installment == Decimal("6.67")  # 50 / 12 = 4.1667 → 4.17, plus 2.50


QUOTE_BAD_INPUT = [
    ({"state": "ZZ"}, "state"),
    ({"deductible": "300"}, "deductible"),
    ({"deductible": "abc"}, "deductible"),
    ({"limits": ["-5"]}, "limits[0]"),
    ({"limits": ["12.345"]}, "limits[0]"),
    ({"limits": [8000.0]}, "limits[0]"),
    ({"limits": []}, "limits"),
    ({"installments": 6}, "installments"),
    ({"product_code": "no-such-product"}, "product_code"),
]


def test_quote_bad_input_names_the_field(presets):
    for changes, field in QUOTE_BAD_INPUT:
        arguments = {"state": "WI", "deductible": "100", "limits": ["8000"]} | changes
        with pytest.raises(InvalidInput) as error:
            quote(**arguments)
        assert error.value.field == field, changes


def test_bind_writes_the_policy_its_people_items_and_premium(presets):
    before = row_counts()
    policy = bind(
        named_insureds=[
            {"name": "Ann Lee", "email": "ann@example.com", "date_of_birth": "1980-04-02"},
            {"name": "Bob Lee"},
        ],
        items=[
            dict(RING),
            {"ref": "n1", "kind": "necklace", "limit": "4000", "possessed_by": "bob lee"},
        ],
        value_adjustment=True,
        value_index="112.5",
    )
    after = row_counts()
    assert re.fullmatch(r"JP-\d{6}", policy.number)
    assert policy.period_start == dt.date(2025, 1, 1)
    assert policy.period_end == dt.date(2026, 1, 1)
    assert policy.inception_on == dt.date(2025, 1, 1)
    assert policy.deductible == Decimal("100.00")
    assert policy.premium == Decimal("144.00")  # 96.00 + 48.00
    assert policy.status == Policy.ACTIVE
    assert policy.rating_version.number == 1
    assert [(i.ref, i.limit, i.premium, i.limit_index) for i in policy_items(policy=policy)] == [
        ("r1", Decimal("8000.00"), Decimal("96.00"), Decimal("112.5000")),
        ("n1", Decimal("4000.00"), Decimal("48.00"), Decimal("112.5000")),
    ]
    event = PolicyEvent.objects.get(policy=policy)
    assert (event.kind, event.on, event.premium) == ("bound", policy.period_start, policy.premium)
    assert policy_premium_in_force(policy=policy) == Decimal("144.00")
    assert after["Policy"] - before["Policy"] == 1
    assert after["NamedInsured"] - before["NamedInsured"] == 2
    assert AuditEntry.objects.filter(action="policy_bound", entity_id=str(policy.pk)).count() == 1


def test_bind_encrypts_the_date_of_birth(presets):
    policy = bind(named_insureds=[{"name": "Ann Lee", "date_of_birth": "1980-04-02"}])
    insured = NamedInsured.objects.get(policy=policy)
    assert insured.date_of_birth == "1980-04-02"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT date_of_birth FROM {NamedInsured._meta.db_table} WHERE id = %s", [insured.pk]
        )
        stored = cursor.fetchone()[0]
    assert "1980" not in stored


def test_bind_in_installments_and_at_the_minimum(presets):
    policy = bind(items=[{"ref": "e1", "kind": "earrings", "limit": "1000"}], installments=12)
    assert policy.premium == Decimal("50.00")
    assert policy.installments == 12
    assert policy.installment == Decimal("6.67")


def test_policy_numbers_are_distinct(presets):
    assert bind().number != bind().number


BIND_BAD_INPUT = [
    ({"state": "ZZ"}, "state"),
    ({"deductible": "300"}, "deductible"),
    ({"items": [RING | {"limit": "-5"}]}, "items[0].limit"),
    ({"items": [RING | {"limit": "12.345"}]}, "items[0].limit"),
    ({"items": [RING | {"limit": "0"}]}, "items[0].limit"),
    ({"items": [RING | {"limit": 8000.0}]}, "items[0].limit"),
    ({"items": [RING | {"kind": ""}]}, "items[0].kind"),
    ({"items": [RING | {"colour": "gold"}]}, "items[0].colour"),
    ({"items": []}, "items"),
    ({"start": "2025-13-01"}, "start"),
    ({"installments": 6}, "installments"),
    ({"named_insureds": []}, "named_insureds"),
    ({"named_insureds": [{"name": " "}]}, "named_insureds[0].name"),
    ({"named_insureds": [{"name": "A", "email": "nope"}]}, "named_insureds[0].email"),
    (
        {"named_insureds": [{"name": "A", "date_of_birth": "1980-02-30"}]},
        "named_insureds[0].date_of_birth",
    ),
    ({"value_index": "0"}, "value_index"),
    ({"value_index": "1.00001"}, "value_index"),
    ({"product_code": "no-such-product"}, "product_code"),
]


def test_bind_bad_input_names_the_field_and_writes_nothing(presets):
    before = row_counts()
    for changes, field in BIND_BAD_INPUT:
        with pytest.raises(InvalidInput) as error:
            bind(**changes)
        assert error.value.field == field, changes
        assert row_counts() == before, changes


def test_bind_refuses_duplicate_item_refs(presets):
    before = row_counts()
    with pytest.raises(InvalidInput) as error:
        bind(items=[dict(RING), {"ref": "r1", "kind": "watch", "limit": "900"}])
    assert (error.value.field, error.value.code) == ("items[1].ref", "duplicate_item_ref")
    assert row_counts() == before


def test_bind_possession_rule(presets):
    before = row_counts()
    engagement_ring = RING | {"possessed_by": "Cara Diaz"}
    with pytest.raises(InvalidInput) as error:
        bind(items=[{"ref": "w1", "kind": "watch", "limit": "900"}, engagement_ring])
    assert error.value.field == "items[1].possessed_by"
    assert row_counts() == before

    named = [{"name": "Ann Lee"}, {"name": "Cara Diaz"}]
    policy = bind(named_insureds=named, items=[engagement_ring])
    assert policy_items(policy=policy).get().possessed_by == "Cara Diaz"

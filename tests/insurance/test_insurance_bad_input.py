"""Bad input through every insurance service, as a hostile caller would send it.

Each value gets a clear `InvalidInput` naming the field, a message that quotes at most a short
prefix of the value (and nothing of a sensitive one), and leaves every table unchanged.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from insurance_factories import (
    RING,
    add_item,
    bind,
    cancel,
    policy_state,
    quote,
    record_loss,
    remove_item,
    renew,
    row_counts,
)

from gemcare.common.errors import QUOTED_PREFIX, InvalidInput
from gemcare.insurance.models import Policy
from gemcare.insurance.schemas import MAX_NAMED_INSUREDS, MAX_SCHEDULED_ITEMS

TEN_MB = "7" * (10 * 1024 * 1024)
NUL = "a\x00b"
# A message names the field and says what is wrong; with a quoted prefix it stays short.
LONGEST_MESSAGE = 300


def insured(**changes) -> dict:
    return {"name": "Ann Lee", "email": "ann@example.com"} | changes


def item(**changes) -> dict:
    return dict(RING) | changes


# (changes to a valid bind, the field named)
BIND_PROBES = {
    "20,000 items": ({"items": [item(ref=f"i{n}") for n in range(20_000)]}, "items"),
    "101 items": (
        {"items": [item(ref=f"i{n}") for n in range(MAX_SCHEDULED_ITEMS + 1)]},
        "items",
    ),
    "11 named insureds": (
        {"named_insureds": [insured(name=f"P{n}") for n in range(MAX_NAMED_INSUREDS + 1)]},
        "named_insureds",
    ),
    "start in year 1": ({"start": "0001-01-01"}, "start"),
    "start in 3026": ({"start": "3026-01-01"}, "start"),
    "start before the earliest date": ({"start": "1979-12-31"}, "start"),
    "start as a date object in 3026": ({"start": dt.date(3026, 1, 1)}, "start"),
    "start as a number": ({"start": 20250101}, "start"),
    "start as a date and time": ({"start": dt.datetime(2025, 1, 1, 9, 0)}, "start"),
    "start 10 MB": ({"start": TEN_MB}, "start"),
    "installments 70000": ({"installments": 70000}, "installments"),
    "installments 65537": ({"installments": 65537}, "installments"),
    "installments 0": ({"installments": 0}, "installments"),
    "installments -1": ({"installments": -1}, "installments"),
    "installments true": ({"installments": True}, "installments"),
    "installments 12.5": ({"installments": 12.5}, "installments"),
    "installments as 10 MB of digits": ({"installments": TEN_MB}, "installments"),
    "installments not offered": ({"installments": 6}, "installments"),
    "NUL in the address": ({"address": NUL}, "address"),
    "NUL in a name": ({"named_insureds": [insured(name=NUL)]}, "named_insureds[0].name"),
    "NUL in an email": (
        {"named_insureds": [insured(email="a\x00@example.com")]},
        "named_insureds[0].email",
    ),
    "NUL in a ref": ({"items": [item(ref=NUL)]}, "items[0].ref"),
    "NUL in a description": ({"items": [item(description=NUL)]}, "items[0].description"),
    "NUL in possessed_by": ({"items": [item(possessed_by=NUL)]}, "items[0].possessed_by"),
    "NUL in the product code": ({"product_code": NUL}, "product_code"),
    "NUL in the state": ({"state": "W\x00"}, "state"),
    "address too long": ({"address": "x" * 301}, "address"),
    "name too long": ({"named_insureds": [insured(name="x" * 201)]}, "named_insureds[0].name"),
    "email too long": (
        {"named_insureds": [insured(email="a" * 250 + "@example.com")]},
        "named_insureds[0].email",
    ),
    "ref too long": ({"items": [item(ref="x" * 33)]}, "items[0].ref"),
    "description of 400 characters": (
        {"items": [item(description="x" * 400)]},
        "items[0].description",
    ),
    "possessed_by too long": ({"items": [item(possessed_by="x" * 201)]}, "items[0].possessed_by"),
    "product code too long": ({"product_code": "x" * 200}, "product_code"),
    "address 10 MB": ({"address": TEN_MB}, "address"),
    "description 10 MB": ({"items": [item(description=TEN_MB)]}, "items[0].description"),
    "name 10 MB": ({"named_insureds": [insured(name=TEN_MB)]}, "named_insureds[0].name"),
    "email not-an-email": (
        {"named_insureds": [insured(email="not-an-email")]},
        "named_insureds[0].email",
    ),
    "email without a domain": (
        {"named_insureds": [insured(email="ann@")]},
        "named_insureds[0].email",
    ),
    "email without a name": (
        {"named_insureds": [insured(email="@example.com")]},
        "named_insureds[0].email",
    ),
    "email with a space": (
        {"named_insureds": [insured(email="ann lee@example.com")]},
        "named_insureds[0].email",
    ),
    "email as a number": ({"named_insureds": [insured(email=5)]}, "named_insureds[0].email"),
    "unknown item kind": ({"items": [item(kind="tiara")]}, "items[0].kind"),
    "item kind in capitals": ({"items": [item(kind="RING")]}, "items[0].kind"),
    "empty item kind": ({"items": [item(kind="")]}, "items[0].kind"),
    "item kind null": ({"items": [item(kind=None)]}, "items[0].kind"),
    "item kind a list": ({"items": [item(kind=["ring"])]}, "items[0].kind"),
    "state a number": ({"state": 5}, "state"),
    "unknown state": ({"state": "ZZ"}, "state"),
    "deductible a list": ({"deductible": []}, "deductible"),
    "items an object": ({"items": {"r1": RING}}, "items"),
    "item a string": ({"items": ["r1"]}, "items[0]"),
    "named insureds a string": ({"named_insureds": "Ann Lee"}, "named_insureds"),
    "value_adjustment yes": ({"value_adjustment": "yes"}, "value_adjustment"),
    "value_adjustment 1": ({"value_adjustment": 1}, "value_adjustment"),
    "limit true": ({"items": [item(limit=True)]}, "items[0].limit"),
    "limit a float": ({"items": [item(limit=8000.0)]}, "items[0].limit"),
    "limit NaN": ({"items": [item(limit="NaN")]}, "items[0].limit"),
    "limit Decimal NaN": ({"items": [item(limit=Decimal("NaN"))]}, "items[0].limit"),
    "limit float NaN": ({"items": [item(limit=float("nan"))]}, "items[0].limit"),
    "limit Infinity": ({"items": [item(limit="Infinity")]}, "items[0].limit"),
    "limit 3 decimals": ({"items": [item(limit="8000.005")]}, "items[0].limit"),
    "limit 1e30": ({"items": [item(limit="1e30")]}, "items[0].limit"),
    "limit 10 MB of digits": ({"items": [item(limit=TEN_MB)]}, "items[0].limit"),
    "deductible NaN": ({"deductible": "nan"}, "deductible"),
    "deductible 3 decimals": ({"deductible": "100.001"}, "deductible"),
    "deductible 10 MB": ({"deductible": TEN_MB}, "deductible"),
    "value index NaN": ({"value_index": "NaN"}, "value_index"),
    "value index a float": ({"value_index": 112.5}, "value_index"),
    "value index 5 decimals": ({"value_index": "112.00001"}, "value_index"),
    "value index too large": ({"value_index": "100000000"}, "value_index"),
    "value index 10 MB": ({"value_index": TEN_MB}, "value_index"),
    "an unknown field": ({"colour": "gold"}, "colour"),
    "an unknown item field": ({"items": [item(colour="gold")]}, "items[0].colour"),
    "date of birth not a date": (
        {"named_insureds": [insured(date_of_birth="not-a-date")]},
        "named_insureds[0].date_of_birth",
    ),
    "date of birth an SSN": (
        {"named_insureds": [insured(date_of_birth="123-45-6789")]},
        "named_insureds[0].date_of_birth",
    ),
    "date of birth 30 February": (
        {"named_insureds": [insured(date_of_birth="1980-02-30")]},
        "named_insureds[0].date_of_birth",
    ),
    "date of birth in the future": (
        {"named_insureds": [insured(date_of_birth="2999-01-01")]},
        "named_insureds[0].date_of_birth",
    ),
    "date of birth 10 MB": (
        {"named_insureds": [insured(date_of_birth=TEN_MB)]},
        "named_insureds[0].date_of_birth",
    ),
}

SENSITIVE_VALUES = {
    "date of birth not a date": "not-a-date",
    "date of birth an SSN": "123-45-6789",
    "date of birth 30 February": "1980-02-30",
    "date of birth in the future": "2999-01-01",
}


def assert_clear(error: InvalidInput, field: str) -> None:
    assert error.field == field
    assert error.code in {"invalid", "unknown_field"}
    described = error.describe()
    assert described.startswith(f"{field}: ")
    assert len(described) < LONGEST_MESSAGE, described[:LONGEST_MESSAGE]
    if error.value is not None:
        assert len(error.value) <= QUOTED_PREFIX + len("… (10485760 characters)")
    assert len(repr(error.as_dict())) < LONGEST_MESSAGE + 100
    assert all(len(repr(found)) < LONGEST_MESSAGE for found in error.errors)


@pytest.mark.parametrize("probe", BIND_PROBES, ids=list(BIND_PROBES))
def test_bind_refuses_bad_input_clearly_and_writes_nothing(presets, probe):
    changes, field = BIND_PROBES[probe]
    before = row_counts()
    with pytest.raises(InvalidInput) as error:
        bind(**changes)
    assert_clear(error.value, field)
    assert row_counts() == before
    if probe in SENSITIVE_VALUES:
        secret = SENSITIVE_VALUES[probe]
        shown = [
            str(error.value),
            error.value.describe(),
            repr(error.value.as_dict()),
            repr(error.value.errors),
            repr(error.value.args),
        ]
        assert not any(secret in text for text in shown), shown


QUOTE_PROBES = {
    "20,000 limits": ({"limits": ["100"] * 20_000}, "limits"),
    "installments 70000": ({"installments": 70000}, "installments"),
    "a limit NaN": ({"limits": ["NaN"]}, "limits[0]"),
    "a limit with 3 decimals": ({"limits": ["1.005"]}, "limits[0]"),
    "a limit of zero": ({"limits": ["0"]}, "limits[0]"),
    "state NUL": ({"state": "\x00"}, "state"),
    "product code 10 MB": ({"product_code": TEN_MB}, "product_code"),
    "an unknown field": ({"discount": "5"}, "discount"),
}


@pytest.mark.parametrize("probe", QUOTE_PROBES, ids=list(QUOTE_PROBES))
def test_quote_refuses_bad_input_clearly(presets, probe):
    changes, field = QUOTE_PROBES[probe]
    before = row_counts()
    with pytest.raises(InvalidInput) as error:
        quote(**({"state": "WI", "deductible": "100", "limits": ["8000"]} | changes))
    assert_clear(error.value, field)
    assert row_counts() == before


ADD = {"ref": "n1", "kind": "necklace", "limit": "5000", "on": "2025-07-02"}
LOSS = {"loss_on": "2025-05-02", "item_ref": "r1", "peril": "theft", "cost": "900"}
CANCEL = {"cancel_on": "2025-07-01", "by": "insured"}
REMOVE = {"ref": "r1", "on": "2025-03-01"}

# (service, its valid fields, the changes, the field named)
CHANGE_PROBES = {
    "add: unknown kind": (add_item, ADD, {"kind": "tiara"}, "kind"),
    "add: NUL in the ref": (add_item, ADD, {"ref": NUL}, "ref"),
    "add: NUL in the description": (add_item, ADD, {"description": NUL}, "description"),
    "add: NUL in possessed_by": (add_item, ADD, {"possessed_by": NUL}, "possessed_by"),
    "add: description of 400": (add_item, ADD, {"description": "x" * 400}, "description"),
    "add: ref 10 MB": (add_item, ADD, {"ref": TEN_MB}, "ref"),
    "add: limit NaN": (add_item, ADD, {"limit": "NaN"}, "limit"),
    "add: limit 3 decimals": (add_item, ADD, {"limit": "5000.001"}, "limit"),
    "add: on in year 1": (add_item, ADD, {"on": "0001-01-01"}, "on"),
    "add: on in 3026": (add_item, ADD, {"on": "3026-01-01"}, "on"),
    "add: value index NaN": (add_item, ADD, {"value_index": "NaN"}, "value_index"),
    "remove: ref NUL": (remove_item, REMOVE, {"ref": NUL}, "ref"),
    "remove: on not a date": (remove_item, REMOVE, {"on": "soon"}, "on"),
    "loss: on in 3026": (record_loss, LOSS, {"loss_on": "3026-01-01"}, "loss_on"),
    "loss: on in year 1": (record_loss, LOSS, {"loss_on": "0001-01-01"}, "loss_on"),
    "loss: unknown peril": (record_loss, LOSS, {"peril": "meteor"}, "peril"),
    "loss: peril NUL": (record_loss, LOSS, {"peril": "theft\x00"}, "peril"),
    "loss: unknown repair": (record_loss, LOSS, {"repair": "polishing"}, "repair"),
    "loss: cost NaN": (record_loss, LOSS, {"cost": "NaN"}, "cost"),
    "loss: cost a float": (record_loss, LOSS, {"cost": 900.0}, "cost"),
    "loss: cost 3 decimals": (record_loss, LOSS, {"cost": "900.001"}, "cost"),
    "loss: cost 10 MB": (record_loss, LOSS, {"cost": TEN_MB}, "cost"),
    "loss: item ref NUL": (record_loss, LOSS, {"item_ref": NUL}, "item_ref"),
    "loss: item ref too long": (record_loss, LOSS, {"item_ref": "x" * 33}, "item_ref"),
    "loss: known before the loss": (record_loss, LOSS, {"known_on": "2025-05-01"}, "known_on"),
    "loss: known in 3026": (record_loss, LOSS, {"known_on": "3026-01-01"}, "known_on"),
    "loss: pair set NaN": (record_loss, LOSS, {"pair_set_amount": "NaN"}, "pair_set_amount"),
    "loss: unknown field": (record_loss, LOSS, {"witness": "Bob"}, "witness"),
    "cancel: in 3000": (cancel, CANCEL, {"cancel_on": "3000-01-01"}, "cancel_on"),
    "cancel: in year 1": (cancel, CANCEL, {"cancel_on": "0001-01-01"}, "cancel_on"),
    "cancel: notice after the date": (
        cancel,
        CANCEL | {"by": "insurer"},
        {"notice_on": "2025-07-02"},
        "notice_on",
    ),
    "cancel: notice in 3026": (
        cancel,
        CANCEL | {"by": "insurer"},
        {"notice_on": "3026-01-01"},
        "notice_on",
    ),
    "cancel: by a holder": (cancel, CANCEL, {"by": "holder"}, "by"),
    "cancel: by 10 MB": (cancel, CANCEL, {"by": TEN_MB}, "by"),
    "renew: index NaN": (renew, {}, {"index_now": "NaN", "index_then": "100"}, "index_now"),
    "renew: index a float": (renew, {}, {"index_now": 110.0}, "index_now"),
    "renew: index then without now": (renew, {}, {"index_then": "100"}, "index_now"),
    "renew: unknown field": (renew, {}, {"index": "110"}, "index"),
}


@pytest.mark.parametrize("probe", CHANGE_PROBES, ids=list(CHANGE_PROBES))
def test_policy_changes_refuse_bad_input_clearly_and_change_nothing(policy, probe):
    service, valid, changes, field = CHANGE_PROBES[probe]
    before, state = row_counts(), policy_state(policy)
    with pytest.raises(InvalidInput) as error:
        service(policy=policy, **(valid | changes))
    assert_clear(error.value, field)
    assert (row_counts(), policy_state(policy)) == (before, state)


def test_installments_are_stored_as_given(presets):
    """A small-integer column wraps an out-of-range value silently on PostgreSQL: the schema
    bounds it first, and what is stored reads back unchanged."""
    policy = bind(installments=12)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT installments FROM {Policy._meta.db_table} WHERE id = %s", [policy.pk]
        )
        assert cursor.fetchone()[0] == 12
    before = row_counts()
    for installments in (70000, 65537, 32768):
        with pytest.raises(InvalidInput) as error:
            bind(installments=installments)
        assert error.value.field == "installments"
    assert row_counts() == before

"""Sensitive holder fields are encrypted at rest and masked on screens (RULEBOOK §7)."""

import pytest
from django.db import connection
from factories import holder_data, sell

from gemcare.common.fields import mask
from gemcare.contracts.models import Holder

SENSITIVE = {
    "ssn": "123-45-6789",
    "date_of_birth": "1980-05-17",
    "government_id": "OK-D1234567",
    "bank_account": "000123456789",
}


def raw_column(holder: Holder, column: str) -> str:
    table = connection.ops.quote_name(Holder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [holder.pk]
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("field", sorted(SENSITIVE))
def test_a_sensitive_field_is_stored_encrypted_and_read_back_decrypted(presets, field):
    contract = sell(holder=holder_data(**SENSITIVE))

    stored = raw_column(contract.holder, field)

    assert stored and stored != SENSITIVE[field]
    assert SENSITIVE[field] not in stored
    assert Holder.objects.get(pk=contract.holder_id).__dict__[field] == SENSITIVE[field]


def test_the_same_value_encrypts_differently_each_time(presets):
    first = sell(holder=holder_data(ssn="123-45-6789")).holder
    second = sell(holder=holder_data(ssn="123-45-6789")).holder

    assert raw_column(first, "ssn") != raw_column(second, "ssn")


def test_plain_fields_and_empty_sensitive_fields_are_stored_as_given(presets):
    holder = sell(holder=holder_data(name="Ada Holder")).holder

    assert raw_column(holder, "name") == "Ada Holder"
    assert raw_column(holder, "ssn") == ""
    assert Holder.objects.get(pk=holder.pk).ssn == ""


@pytest.mark.parametrize(
    ("value", "visible", "shown"),
    [
        ("123-45-6789", 4, "•••••••6789"),
        ("000123456789", 2, "••••••••••89"),
        # Never more than half of a value: a short one would otherwise show whole.
        ("1234", 4, "••34"),
        ("12", 4, "•2"),
        ("1980-05-17", 0, "••••••••••"),
        ("", 4, ""),
        (None, 4, ""),
    ],
)
def test_mask_shows_only_the_last_characters(value, visible, shown):
    assert mask(value, visible=visible) == shown

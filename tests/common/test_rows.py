"""RowWriter writes and reads exactly what the ORM would, on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection

from gemcare.common.models import AuditEntry
from gemcare.common.rows import RowWriter
from gemcare.contracts.models import Holder
from gemcare.partners.models import Retailer

pytestmark = pytest.mark.django_db


def test_insert_returns_a_saved_instance_equal_to_what_the_orm_reads_back():
    retailers = RowWriter(Retailer)
    made = retailers.insert(code="gleam", name="Gleam", commission_rate=Decimal("0.3500"))
    loaded = Retailer.objects.get(pk=made.pk)
    assert (loaded.code, loaded.name, loaded.commission_rate) == ("gleam", "Gleam", Decimal("0.35"))
    assert loaded.is_active is True  # the field's default
    assert made._state.adding is False


def test_insert_many_keeps_the_order_of_the_rows():
    made = RowWriter(Retailer).insert_many(
        [{"code": f"r{n}", "name": f"Retailer {n}"} for n in range(5)]
    )
    assert [Retailer.objects.get(pk=r.pk).code for r in made] == [f"r{n}" for n in range(5)]
    assert RowWriter(Retailer).insert_many([]) == []


def test_encrypted_fields_are_encrypted_as_through_the_orm():
    holder = RowWriter(Holder).insert(name="Ava Quinn", state="WI", ssn="123-45-6789")
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn FROM contracts_holder WHERE id = %s", [holder.pk])
        assert "123-45-6789" not in cursor.fetchone()[0]
    assert Holder.objects.get(pk=holder.pk).ssn == "123-45-6789"


def test_auto_now_add_is_filled_and_json_round_trips():
    entry = RowWriter(AuditEntry).insert(
        action="x", entity="retailer", entity_id="1", data={"amount": "85.00", "n": [1, 2]}
    )
    loaded = AuditEntry.objects.get(pk=entry.pk)
    assert loaded.data == {"amount": "85.00", "n": [1, 2]}
    assert loaded.at is not None


def test_update_and_a_locking_read_with_converters():
    writer = RowWriter(Retailer).reading("commission_rate", "is_active", "name")
    made = writer.insert(code="c", name="Before", commission_rate=Decimal("0.4000"))
    writer.update(made.pk, name="After", commission_rate=Decimal("0.2500"), is_active=False)
    read = writer.get_for_update(made.pk, ["name", "commission_rate"])
    assert (read.name, read.commission_rate, read.is_active) == ("After", Decimal("0.25"), False)
    assert isinstance(read.commission_rate, Decimal)


def test_a_missing_row_and_unknown_fields_are_errors():
    writer = RowWriter(Retailer).reading("name")
    with pytest.raises(Retailer.DoesNotExist):
        writer.get_for_update(987654, ["name"])
    with pytest.raises(ValueError, match="reads"):
        writer.get_for_update(1, ["commission_rate"])
    with pytest.raises(TypeError, match="no field 'colour'"):
        RowWriter(Retailer).insert(code="x", name="X", colour="red")
    with pytest.raises(ValueError, match="no field 'colour'"):
        RowWriter(Retailer).reading("colour")

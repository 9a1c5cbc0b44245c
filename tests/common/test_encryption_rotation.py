import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from gemcare.contracts.models import Holder

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _raw_ssn(holder: Holder) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn FROM contracts_holder WHERE id = %s", [holder.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_rotation_rewrites_values_under_the_new_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    holder = Holder.objects.create(name="Ava Quinn", state="WI", ssn="123-45-6789")
    under_old_key = _raw_ssn(holder)
    assert "123-45-6789" not in under_old_key

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert Holder.objects.get(pk=holder.pk).ssn == "123-45-6789"
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    assert _raw_ssn(holder) != under_old_key

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert Holder.objects.get(pk=holder.pk).ssn == "123-45-6789"


@pytest.mark.django_db
def test_a_missing_key_is_a_clear_configuration_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    holder = Holder.objects.create(name="Ben Okafor", state="TX", bank_account="000123456789")
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        Holder.objects.get(pk=holder.pk)

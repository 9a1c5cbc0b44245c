import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from gemcare.common import encryption
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


@pytest.mark.django_db
def test_rotation_rewrites_every_batch(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    holders = [
        Holder.objects.create(name=f"Holder {n}", state="OK", ssn=f"123-45-678{n}")
        for n in range(5)
    ]
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]

    rewritten = encryption.encryption_keys_rotate(batch_size=2)

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert rewritten >= 5
    assert [Holder.objects.get(pk=h.pk).ssn for h in holders] == [
        f"123-45-678{n}" for n in range(5)
    ]


@pytest.mark.django_db
def test_a_change_made_between_batches_is_kept(settings, monkeypatch):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    first = Holder.objects.create(name="Ava Quinn", state="WI", ssn="123-45-6789")
    second = Holder.objects.create(name="Ben Okafor", state="TX", ssn="111-22-3333")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    rewrite = encryption._rewrite
    batches = []

    def rewrite_then_a_holder_changes(model, ids, names):
        done = rewrite(model, ids, names)
        if model is Holder and not batches:
            # Someone corrects the second holder's SSN while the rotation is under way.
            holder = Holder.objects.get(pk=second.pk)
            holder.ssn = "444-55-6666"
            holder.save(update_fields=["ssn"])
        batches.append(ids)
        return done

    monkeypatch.setattr(encryption, "_rewrite", rewrite_then_a_holder_changes)
    encryption.encryption_keys_rotate(batch_size=1)

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert [first.pk] in batches and [second.pk] in batches
    assert Holder.objects.get(pk=second.pk).ssn == "444-55-6666"
    assert Holder.objects.get(pk=first.pk).ssn == "123-45-6789"

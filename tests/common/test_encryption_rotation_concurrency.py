"""Key rotation while a holder is being changed: the rotation waits for the row and re-reads
it, so the change is kept. PostgreSQL only: SQLite serialises writers on the whole file."""

import threading

import pytest
from cryptography.fernet import Fernet
from django.db import connection, connections, transaction

from gemcare.common.encryption import encryption_keys_rotate
from gemcare.contracts.models import Holder

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_rotation_waits_for_the_row_is_kept(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    holder = Holder.objects.create(name="Ava Quinn", state="WI", ssn="123-45-6789")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    locked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def correct_the_ssn() -> None:
        try:
            with transaction.atomic():
                row = Holder.objects.select_for_update().get(pk=holder.pk)
                locked.set()
                release.wait(timeout=10)
                row.ssn = "444-55-6666"
                row.save(update_fields=["ssn"])
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=correct_the_ssn)
    worker.start()
    assert locked.wait(timeout=10)
    rotation = threading.Thread(target=lambda: (encryption_keys_rotate(), connections.close_all()))
    rotation.start()
    rotation.join(timeout=1)
    assert rotation.is_alive()  # it waits for the holder's row
    release.set()
    worker.join(timeout=10)
    rotation.join(timeout=30)

    assert errors == []
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert Holder.objects.get(pk=holder.pk).ssn == "444-55-6666"

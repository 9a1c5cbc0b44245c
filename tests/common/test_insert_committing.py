"""`insert_committing`: a transaction's last insert sent with its COMMIT (PostgreSQL, the
outermost transaction), so an idempotent answer is kept and committed in one round trip; and
the race it must still lose cleanly: a key recorded first by another request."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from factories import retailer_make
from idempotency_support import first_claim_sees_nothing

from gemcare.common.idempotency import StoredResponse, idempotent_call
from gemcare.common.models import IdempotencyKey
from gemcare.common.round_trips import insert_committing
from gemcare.common.statements import CompiledInsert
from gemcare.partners.models import Retailer

ON_POSTGRES = connection.vendor == "postgresql"
KEYS = CompiledInsert(IdempotencyKey)


def kept_row(retailer, key="k-1"):
    now = timezone.now()
    return KEYS.row(
        retailer_id=retailer.pk,
        is_test=False,
        key=key,
        fingerprint="f" * 64,
        state=IdempotencyKey.DONE,
        response_status=201,
        response_body={"number": "C1", "note": "l'été; COMMIT"},
        response_headers={"Location": "/api/v1/contracts/C1"},
        created_at=now,
        claimed_at=now,
        completed_at=now,
    )


def seen_elsewhere(key: str) -> bool:
    """Whether another connection sees the row: only once it is committed."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        autocommit=True,
    ) as other:
        found = other.execute(
            f"SELECT count(*) FROM {IdempotencyKey._meta.db_table} WHERE key = %s", [key]
        )
        return found.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_the_last_insert_commits_with_its_transaction():
    retailer = retailer_make()
    after_commit: list = []
    with transaction.atomic():
        transaction.on_commit(lambda: after_commit.append("ran"))
        committed = insert_committing(KEYS, [kept_row(retailer)])
        if ON_POSTGRES:
            # Committed already, before the block ends; its on-commit work waits for the end.
            assert committed and seen_elsewhere("k-1") and after_commit == []
        else:
            assert not committed
    assert after_commit == ["ran"]
    kept = IdempotencyKey.objects.get()
    # Sent as one query, its values quoted by the driver: text with quotes and semicolons
    # comes back as it went.
    assert kept.response_body == {"number": "C1", "note": "l'été; COMMIT"}
    assert kept.response_headers == {"Location": "/api/v1/contracts/C1"}


@pytest.mark.django_db(transaction=True)
def test_a_broken_unique_key_is_raised_and_nothing_is_committed():
    retailer = retailer_make()
    insert_committing(KEYS, [kept_row(retailer)])
    after_commit: list = []
    with pytest.raises(IntegrityError), transaction.atomic():
        transaction.on_commit(lambda: after_commit.append("ran"))
        Retailer.objects.create(code="written-before", name="Rolled back")
        insert_committing(KEYS, [kept_row(retailer)])
    assert after_commit == []
    assert not Retailer.objects.filter(code="written-before").exists()
    assert IdempotencyKey.objects.count() == 1
    # The connection is usable again.
    assert Retailer.objects.filter(pk=retailer.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_inside_another_transaction_it_only_inserts():
    retailer = retailer_make()
    with transaction.atomic():
        with transaction.atomic():
            assert insert_committing(KEYS, [kept_row(retailer)]) is False
        transaction.set_rollback(True)
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_transaction_marked_for_rollback_is_never_committed():
    retailer = retailer_make()
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            insert_committing(KEYS, [kept_row(retailer)])
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_request_that_lost_the_race_replays_the_winner_when_it_commits(monkeypatch):
    """As test_sale_idempotency's race, in a transaction that commits: the loser's kept
    answer breaks the key's uniqueness as it is sent with the COMMIT; its work is rolled
    back and the winner's answer replayed."""
    retailer = retailer_make()
    call = {
        "retailer_id": retailer.pk,
        "is_test": False,
        "key": "k-race",
        "fingerprint": "f" * 64,
    }
    winner = StoredResponse(201, {"number": "C-WON"})
    assert idempotent_call(**call, respond=lambda: winner) == (winner, False)
    rounds = first_claim_sees_nothing(monkeypatch)

    def losing_work():
        Retailer.objects.create(code="made-by-the-loser", name="Loser")
        return StoredResponse(201, {"number": "C-LOST"})

    assert idempotent_call(**call, respond=losing_work) == (winner, True)
    assert len(rounds) == 2
    assert not Retailer.objects.filter(code="made-by-the-loser").exists()
    assert IdempotencyKey.objects.get().response_body == {"number": "C-WON"}

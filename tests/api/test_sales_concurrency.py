"""Twenty copies of one sale at once, through HTTP: exactly one contract.

PostgreSQL only: SQLite serialises writers on the whole file, so it proves nothing here. Each
thread sends its request through Django's test client on its own database connection, and
the tests commit, so the presets are committed too.
"""

import threading

import pytest
from api_support import ApiClient, key_make
from django.db import connection
from factories import store_make

from gemcare.catalog.services import presets_load
from gemcare.common.callers import Caller
from gemcare.common.models import IdempotencyKey
from gemcare.contracts.models import Contract, Holder

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent writers"),
    pytest.mark.django_db(transaction=True),
]

COPIES = 20
SALE = {
    "receipt_number": "R-RACE",
    "receipt_line": 1,
    "purchased": "2024-03-01",
    "product": "care-jewelry-3yr",
    "plan_price": "69.00",
    "item": {"kind": "ring", "price": "600.00"},
    "holder": {"name": "Ada Holder", "state": "TX"},
}


@pytest.fixture
def presets(transactional_db):
    """Committed presets (this module's tests commit, so no module-wide transaction)."""
    presets_load(caller=Caller.system("presets"))


@pytest.fixture
def seller(presets):
    store = store_make(state="TX")
    _, text = key_make(store.retailer)
    return store, text


def post_at_once(text, body, keys):
    """POST every body at once, one thread and one connection each: (status, code, replayed)."""
    start = threading.Barrier(len(keys))
    answers: list = [None] * len(keys)

    def post(index):
        try:
            api = ApiClient(text)
            start.wait(timeout=10)
            response = api.post("/contracts", body, **{"Idempotency-Key": keys[index]})
            error = response.json().get("error") if response.status_code >= 400 else None
            answers[index] = (
                response.status_code,
                error["code"] if error else None,
                response.get("Idempotent-Replayed") == "true",
            )
        except BaseException as error:  # reported by the test, in its own thread
            answers[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(keys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_twenty_copies_under_one_key_give_one_contract(seller):
    store, text = seller
    answers = post_at_once(text, {**SALE, "store": store.code}, ["same-key"] * COPIES)
    assert all(isinstance(answer, tuple) for answer in answers), answers
    first = [a for a in answers if a == (201, None, False)]
    replayed = [a for a in answers if a == (201, None, True)]
    in_flight = [a for a in answers if a == (409, "idempotency_in_flight", False)]
    assert len(first) == 1, answers
    assert len(first) + len(replayed) + len(in_flight) == COPIES, answers
    assert Contract.objects.filter(receipt_number="R-RACE").count() == 1
    assert Holder.objects.count() == 1
    assert list(IdempotencyKey.objects.values_list("state", flat=True)) == ["done"]


def test_twenty_copies_under_twenty_keys_give_one_contract(seller):
    store, text = seller
    keys = [f"key-{index}" for index in range(COPIES)]
    answers = post_at_once(text, {**SALE, "store": store.code}, keys)
    assert all(isinstance(answer, tuple) for answer in answers), answers
    assert sorted(answers).count((201, None, False)) == 1, answers
    assert sorted(answers).count((409, "duplicate_sale", False)) == COPIES - 1, answers
    assert Contract.objects.filter(receipt_number="R-RACE").count() == 1
    assert Holder.objects.count() == 1
    # Every key answered, and every answer is kept for its retries.
    assert IdempotencyKey.objects.filter(state="done").count() == COPIES

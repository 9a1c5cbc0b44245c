"""Sales of one receipt line, and claims of one idempotency key, arriving at once.

PostgreSQL only: SQLite serialises writers on the whole file, so it proves nothing here. The
tests commit (each thread has its own connection), so the presets are committed too.
"""

import threading

import pytest
from django.db import connection
from factories import SYSTEM, retailer_make, sale_in, store_make

from gemcare.catalog.services import presets_load
from gemcare.common.callers import Caller
from gemcare.common.errors import Refused
from gemcare.common.idempotency import idempotency_claim
from gemcare.common.models import IdempotencyKey
from gemcare.contracts.models import Contract, Holder
from gemcare.contracts.services import contract_sell

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections"),
]


@pytest.fixture
def presets(transactional_db):
    """Committed presets (this module's tests commit, so no module-wide transaction)."""
    presets_load(caller=Caller.system("presets"))


def run_at_once(count, work):
    """`work(i)` in `count` threads released together, each with its own connection."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            start.wait(timeout=10)
            results[index] = work(index)
        except BaseException as error:  # reported by the test, in its own thread
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_sales_of_one_receipt_line_give_one_contract(presets):
    store = store_make()
    sale = sale_in(receipt_number="R-RACE")
    results = run_at_once(8, lambda index: contract_sell(caller=SYSTEM, store=store, sale=sale))
    sold = [result for result in results if isinstance(result, Contract)]
    refused = [result for result in results if isinstance(result, Refused)]
    assert len(sold) == 1, results
    assert len(refused) == 7 and {error.code for error in refused} == {"duplicate_sale"}
    assert Contract.objects.filter(receipt_number="R-RACE").count() == 1
    # The refused sales left nothing behind: not even the holders they would have made.
    assert Holder.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_claim_is_seen_at_once_by_a_concurrent_request():
    retailer = retailer_make()
    results = run_at_once(
        6,
        lambda index: idempotency_claim(
            retailer_id=retailer.pk, is_test=False, key="k-race", fingerprint="f" * 64
        ),
    )
    claimed = [result for result in results if not isinstance(result, BaseException)]
    waiting = [result for result in results if isinstance(result, Refused)]
    assert len(claimed) == 1 and claimed[0].record is not None, results
    assert len(waiting) == 5 and {error.code for error in waiting} == {"idempotency_in_flight"}
    assert IdempotencyKey.objects.count() == 1

"""Changes on one contract at once, through HTTP: exactly one is made.

PostgreSQL only (SQLite serialises writers on the whole file). A return and a cancellation,
or two pickups, sent together: the contract's lock lets one through, and the others are
refused by the state it leaves (never a 5xx, never two cancellations).
"""

import datetime as dt
import threading

import pytest
from api_support import ApiClient, key_make
from django.db import connection
from factories import sale_in, store_make

from gemcare.catalog.services import presets_load
from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import Cancellation, Contract, ContractEvent
from gemcare.contracts.schemas import SaleIn
from gemcare.contracts.services import contract_sell

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent writers"),
    pytest.mark.django_db(transaction=True),
]

COPIES = 8


@pytest.fixture
def seller(transactional_db):
    presets_load(caller=Caller.system("presets"))
    store = store_make(state="TX")
    return store, key_make(store.retailer)[1]


def sold(store, **sale) -> Contract:
    values = sale_in("care-jewelry-3yr", "TX", "600.00").model_dump()
    values.update(sale)
    return contract_sell(
        caller=Caller.retailer(store.retailer), store=store, sale=validate_input(SaleIn, values)
    )


def post_together(text, requests):
    """POST (path, body) pairs at once, one thread and connection each: (status, code)."""
    start = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def post(index):
        path, body = requests[index]
        try:
            api = ApiClient(text)
            start.wait(timeout=10)
            with clock_set(dt.date(2024, 3, 25)):
                response = api.post(path, body)
            error = response.json().get("error") if response.status_code >= 400 else None
            answers[index] = (response.status_code, error["code"] if error else None)
        except BaseException as error:  # reported by the test, in its own thread
            answers[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_returns_and_cancellations_at_once_make_one_cancellation(seller):
    store, text = seller
    contract = sold(store)
    base = f"/contracts/{contract.number}"
    requests = [
        (f"{base}/returns" if i % 2 else f"{base}/cancellations", {"date": "2024-03-20"})
        for i in range(COPIES)
    ]
    answers = post_together(text, requests)
    assert sorted(answers, key=str).count((201, None)) == 1, answers
    assert all(answer in {(201, None), (409, "contract_not_active")} for answer in answers)
    assert Cancellation.objects.filter(contract=contract).count() == 1
    assert Contract.objects.get(pk=contract.pk).status == "voided"


def test_pickups_at_once_pick_up_once(seller):
    store, text = seller
    contract = sold(store, pending_pickup=True)
    answers = post_together(
        text, [(f"/contracts/{contract.number}/pickup", {"date": "2024-03-20"})] * COPIES
    )
    assert answers.count((200, None)) == 1, answers
    assert answers.count((409, "not_pending_pickup")) == COPIES - 1
    assert ContractEvent.objects.filter(contract=contract, kind="picked_up").count() == 1

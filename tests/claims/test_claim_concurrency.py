"""Claims filed at once on one contract: never more than its limit is approved (RULEBOOK §4),
and, as the partner API files (one open claim at a time), only one lands.

PostgreSQL only: SQLite serialises writers on the whole file, so it proves nothing here.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from factories import SYSTEM, claim_in, sell

from gemcare.catalog.services import presets_load
from gemcare.claims.models import Claim
from gemcare.claims.services import claim_file
from gemcare.common.callers import Caller
from gemcare.common.errors import Refused
from gemcare.contracts.models import EXHAUSTED, Contract

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture
def presets(transactional_db):
    """Committed presets (this module's tests commit, so no module-wide transaction)."""
    presets_load(caller=Caller.system("presets"))


@pytest.mark.django_db(transaction=True)
def test_two_claims_at_once_never_approve_more_than_the_limit(presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def file_claim() -> None:
        try:
            start.wait(timeout=10)
            claim_file(
                caller=SYSTEM,
                contract=contract,
                claim=claim_in(("prong_repair", "1000.00")),
            )
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    claims = list(Claim.objects.filter(contract=contract).order_by("approved"))
    # One claim gets its 1,000.00; the other only what is left of the 1,200.00 limit.
    assert [(claim.decision, claim.approved) for claim in claims] == [
        ("partially_approved", Decimal("200.00")),
        ("approved", Decimal("1000.00")),
    ]
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.approved_total == Decimal("1200.00")
    assert contract.status == EXHAUSTED


@pytest.mark.django_db(transaction=True)
def test_two_filings_at_once_leave_one_open_claim(presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    start = threading.Barrier(4)
    outcomes: list[object] = []

    def file_claim() -> None:
        try:
            start.wait(timeout=10)
            claim_file(
                caller=SYSTEM,
                contract=contract,
                claim=claim_in(("prong_repair", "85.00")),
                one_open_claim=True,
            )
            outcomes.append("filed")
        except Refused as refused:
            outcomes.append(refused.code)
        except BaseException as error:  # reported below, in the test's thread
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(map(str, outcomes)) == ["claim_open", "claim_open", "claim_open", "filed"]
    assert Claim.objects.filter(contract=contract).count() == 1

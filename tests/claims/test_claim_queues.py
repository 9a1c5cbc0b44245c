"""The adjuster queue and the 60-day unpaid list: pages by keyset on (filed_on, id).

Claims are written as rows here (with the status a decision leaves), so that these tests pin
the paging alone.
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from factories import adjuster_make, retailer_make, store_make

from gemcare.catalog.selectors import plan_version_current
from gemcare.catalog.services import presets_load
from gemcare.claims.models import APPROVED, AWAITING_REVIEW, DENIED, FULFILLED, Claim
from gemcare.claims.selectors import claims_awaiting_review, claims_unpaid_after_60_days
from gemcare.common.callers import Caller
from gemcare.contracts.models import Contract, Holder

PURCHASED = dt.date(2024, 3, 1)
_numbers = itertools.count(1)


@pytest.fixture
def presets(db):
    presets_load(caller=Caller.system("presets"))


def contract_make(store) -> Contract:
    number = next(_numbers)
    return Contract.objects.create(
        number=f"QUEUE{number:08d}",
        product_version=plan_version_current(code="care-jewelry-lifetime"),
        retailer=store.retailer,
        store=store,
        receipt_number=f"R-{number}",
        item_kind="ring",
        item_price=Decimal("600.00"),
        item_sold_on=PURCHASED,
        holder=Holder.objects.create(name="Ada Holder", state="OK"),
        state_at_sale="OK",
        plan_price=Decimal("99.00"),
        commission=Decimal("39.60"),
        purchased_on=PURCHASED,
        last_event_on=PURCHASED,
    )


def claim_make(contract: Contract, *, filed_on: dt.date, status: str = AWAITING_REVIEW) -> Claim:
    return Claim.objects.create(
        number=f"CQ{next(_numbers):08d}",
        contract=contract,
        retailer_id=contract.retailer_id,
        filed_on=filed_on,
        incident_on=filed_on,
        cause="wear_and_tear",
        status=status,
        decision="needs_review" if status == AWAITING_REVIEW else "approved",
    )


@pytest.fixture
def provider(presets):
    return Caller.provider(adjuster_make())


def pages(select, **arguments) -> list[list[int]]:
    """Every page, each started after the last claim of the one before."""
    result, after = [], None
    while True:
        page = select(after=after, **arguments)
        if not page:
            return result
        result.append([claim.pk for claim in page])
        after = (page[-1].filed_on, page[-1].pk)


def test_the_queue_pages_oldest_first_and_ties_on_a_day_by_id(provider):
    contract = contract_make(store_make())
    days = [dt.date(2024, 6, d) for d in (5, 1, 3, 3, 3, 2, 9)]
    claims = [claim_make(contract, filed_on=day) for day in days]
    claim_make(contract, filed_on=dt.date(2024, 5, 1), status=APPROVED)
    claim_make(contract, filed_on=dt.date(2024, 5, 1), status=DENIED)
    expected = [claim.pk for claim in sorted(claims, key=lambda c: (c.filed_on, c.pk))]

    got = pages(claims_awaiting_review, caller=provider, limit=2)

    assert got == [expected[0:2], expected[2:4], expected[4:6], expected[6:]]


def test_a_claim_decided_between_pages_never_shifts_the_next_page(provider):
    contract = contract_make(store_make())
    claims = [claim_make(contract, filed_on=dt.date(2024, 6, d)) for d in range(1, 7)]

    first = claims_awaiting_review(caller=provider, limit=3)
    Claim.objects.filter(pk=claims[0].pk).update(status=APPROVED)
    after = (first[-1].filed_on, first[-1].pk)
    second = claims_awaiting_review(caller=provider, after=after, limit=3)

    assert [claim.pk for claim in second] == [claim.pk for claim in claims[3:]]


def test_a_retailer_sees_only_its_own_queue(provider):
    ours, theirs = retailer_make(), retailer_make()
    mine = claim_make(contract_make(store_make(retailer=ours)), filed_on=dt.date(2024, 6, 1))
    claim_make(contract_make(store_make(retailer=theirs)), filed_on=dt.date(2024, 6, 1))

    page = claims_awaiting_review(caller=Caller.retailer(ours))

    assert [claim.pk for claim in page] == [mine.pk]
    assert len(claims_awaiting_review(caller=provider)) == 2


def test_the_unpaid_list_flags_from_day_61_and_pages(provider):
    contract = contract_make(store_make())
    filed = dt.date(2024, 6, 10)
    awaiting = [claim_make(contract, filed_on=filed) for _ in range(3)]
    approved = claim_make(contract, filed_on=filed, status=APPROVED)
    claim_make(contract, filed_on=filed, status=FULFILLED)
    claim_make(contract, filed_on=filed, status=DENIED)
    claim_make(contract, filed_on=dt.date(2024, 7, 10))  # filed later

    # Filed 2024-06-10: day 60 is 2024-08-09, day 61 is 2024-08-10.
    assert claims_unpaid_after_60_days(caller=provider, on=dt.date(2024, 8, 9)) == []
    got = pages(claims_unpaid_after_60_days, caller=provider, on=dt.date(2024, 8, 10), limit=3)

    assert got == [[claim.pk for claim in awaiting], [approved.pk]]


def test_the_unpaid_list_merges_both_statuses_in_filing_order(provider):
    contract = contract_make(store_make())
    claims = [
        claim_make(contract, filed_on=dt.date(2024, 5, day), status=status)
        for day, status in [
            (9, APPROVED),
            (1, AWAITING_REVIEW),
            (3, APPROVED),
            (3, AWAITING_REVIEW),
            (3, APPROVED),
            (2, AWAITING_REVIEW),
            (7, AWAITING_REVIEW),
        ]
    ]
    expected = [claim.pk for claim in sorted(claims, key=lambda c: (c.filed_on, c.pk))]

    got = pages(claims_unpaid_after_60_days, caller=provider, on=dt.date(2024, 8, 10), limit=3)

    assert got == [expected[0:3], expected[3:6], expected[6:]]


def test_a_page_is_bounded(provider):
    with pytest.raises(ValueError):
        claims_awaiting_review(caller=provider, limit=0)
    with pytest.raises(ValueError):
        claims_unpaid_after_60_days(caller=provider, on=dt.date(2024, 8, 10), limit=501)


def test_the_queue_needs_a_caller(presets):
    with pytest.raises(TypeError):
        claims_awaiting_review(caller=None)

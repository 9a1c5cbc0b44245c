"""`reads_together`: reads known at a hot path's start, made in one round trip on PostgreSQL,
each answering exactly as it would have alone; elsewhere each read runs when asked."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import store_make

from gemcare.common.callers import RETAILER, Caller
from gemcare.common.round_trips import reads_together
from gemcare.contracts.services import sale_reads, sale_store_read
from gemcare.webhooks.models import WebhookEndpoint
from gemcare.webhooks.services import subscriptions_read

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def shop(presets):
    store = store_make()
    store.retailer.commission_rate = Decimal("0.2750")
    store.retailer.save()
    for events in (["contract.created"], ["claim.decided", "refund.paid"]):
        WebhookEndpoint.objects.create(
            retailer=store.retailer, url="https://pos.example/hooks", events=events
        )
    return store, Caller(RETAILER, "api_key:tests", retailer_id=store.retailer_id)


def alone(reads) -> list:
    """Each read as it answers by itself."""
    return [
        bound.read.fetchone(bound.params) if bound.one else bound.read.fetchall(bound.params)
        for bound in reads
    ]


def the_reads(store, caller):
    """A sale's: its store, the catalog's signature, the retailer's webhook subscriptions."""
    return sale_reads(caller=caller, store_code=store.code)


def test_each_read_answers_as_it_would_alone(shop):
    store, caller = shop
    reads = the_reads(store, caller)
    expected = alone(reads)
    with CaptureQueriesContext(connection) as queries, reads_together(reads):
        primed = len(queries)
        together = alone(reads)
    assert together == expected
    # The store's row with its retailer's decimal rate; the signature; two endpoints, their
    # events read back as lists.
    assert Decimal("0.2750") in expected[0]
    assert sorted(events for _, _, events, _ in expected[2]) == [
        ["claim.decided", "refund.paid"],
        ["contract.created"],
    ]
    if ON_POSTGRES:
        assert (primed, len(queries)) == (1, 1)
    else:
        assert (primed, len(queries)) == (0, 3)


def test_no_row_and_no_rows_answer_as_alone(shop):
    store, caller = shop
    reads = [
        sale_store_read(caller=caller, code="NO-SUCH-STORE"),
        subscriptions_read(store.retailer_id + 1000),
    ]
    with reads_together(reads), CaptureQueriesContext(connection) as queries:
        assert alone(reads) == [None, []]
    assert len(queries) == (0 if ON_POSTGRES else 2)


def test_a_read_with_other_parameters_reads_for_itself(shop):
    store, caller = shop
    other = store_make(retailer=store.retailer)
    with reads_together(the_reads(store, caller)), CaptureQueriesContext(connection) as queries:
        read = sale_store_read(caller=caller, code=other.code)
        values = read.read.fetchone(read.params)
    assert values[0] == other.pk and len(queries) == 1


def test_what_was_read_ahead_answers_once_and_only_inside(shop):
    store, caller = shop
    reads = the_reads(store, caller)
    with reads_together(reads):
        alone(reads)
        with CaptureQueriesContext(connection) as again:
            alone(reads)
    assert len(again) == 3
    with CaptureQueriesContext(connection) as after:
        alone(reads)
    assert len(after) == 3


def test_a_change_made_after_the_read_ahead_is_not_seen_by_it(shop):
    """What the block answers was read at its start, as a read made then would have: the
    endpoint added afterwards is seen by the next read, not by the one read ahead."""
    store, _ = shop
    reads = [subscriptions_read(store.retailer_id)]
    with reads_together(reads):
        WebhookEndpoint.objects.create(
            retailer=store.retailer, url="https://pos.example/more", events=["refund.paid"]
        )
        inside = alone(reads)[0]
    assert len(inside) == (2 if ON_POSTGRES else 3)
    assert len(alone(reads)[0]) == 3

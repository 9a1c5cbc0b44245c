"""The demo data is a history a real store could produce: on every demo contract the events,
claims, fulfilments, cancellation, refund payment and holder periods lie in date order."""

import datetime as dt
import itertools

import pytest
from factories import assert_on_the_test_database

from gemcare.claims.models import Claim, Reimbursement
from gemcare.contracts.models import Contract, RefundPayment
from gemcare.demo import demo_load

TODAY = dt.date(2026, 11, 1)


def in_order(days: list[dt.date]) -> bool:
    return all(earlier <= later for earlier, later in itertools.pairwise(days))


@pytest.fixture
def demo(db):
    assert_on_the_test_database()
    return demo_load(contracts_count=300, today=TODAY)


def test_every_demo_contract_has_its_events_in_date_order(demo):
    contracts = list(
        Contract.objects.prefetch_related("events", "holders", "claims").select_related(
            "cancellation"
        )
    )
    assert demo["claims"] > 50 and demo["cancellations"] > 5 and demo["transfers"] > 5

    for contract in contracts:
        where = contract.number
        events = [event.on for event in contract.events.all()]
        assert events[0] == contract.purchased_on, where
        assert in_order(events), (where, events)
        assert max(events) <= max(contract.last_event_on, contract.term_ends_on or TODAY), where

        claims = sorted(contract.claims.all(), key=lambda claim: claim.pk)
        filed = [claim.filed_on for claim in claims]
        assert in_order([contract.purchased_on, *filed]), (where, filed)
        completions = list(
            Reimbursement.objects.filter(claim__contract=contract).values_list(
                "completed_on", "claim__filed_on"
            )
        )
        assert all(filed_on <= done for done, filed_on in completions), where
        assert all(claim.incident_on <= claim.filed_on for claim in claims), where

        periods = list(contract.holders.order_by("since", "id"))
        assert periods[0].since == contract.purchased_on, where
        assert periods[-1].until is None and periods[-1].holder_id == contract.holder_id, where
        for before, after in itertools.pairwise(periods):
            assert before.until == after.since, where

        cancellation = getattr(contract, "cancellation", None)
        if cancellation is None:
            continue
        latest = [*filed, *(done for done, _ in completions), *(p.since for p in periods)]
        assert all(day <= cancellation.cancel_on for day in latest), where
        assert not Claim.objects.filter(contract=contract, filed_on__gt=cancellation.cancel_on)
        for paid_on in RefundPayment.objects.filter(cancellation=cancellation).values_list(
            "paid_on", flat=True
        ):
            assert cancellation.cancel_on <= paid_on <= TODAY, where


def test_the_demo_policies_are_paid_up_but_one_and_show_each_kind_of_clock(demo):
    from gemcare.common.callers import Caller
    from gemcare.common.clock import clock_set
    from gemcare.insurance.deadlines import deadlines_open
    from gemcare.insurance.models import Loss, NewlyAcquiredItem, Policy
    from gemcare.insurance.selectors import policy_installments
    from gemcare.insurance.services import policies_daily

    behind = []
    for policy in Policy.objects.all():
        statuses = {line.status for line in policy_installments(policy, on=TODAY)}
        if "overdue" in statuses:
            behind.append(policy.number)
    assert len(behind) == 1
    assert Loss.objects.filter(status=Loss.PROOF_REQUESTED).count() == 1
    assert NewlyAcquiredItem.objects.count() == 1

    system = Caller.system("test")
    with clock_set(TODAY + dt.timedelta(days=1)):
        policies_daily(caller=system, on=TODAY + dt.timedelta(days=1))
        kinds = {d.kind for d in deadlines_open(caller=system, on=TODAY + dt.timedelta(days=1))}
    # The policy a month behind has had its written notice of cancellation.
    assert {"proof_of_loss", "newly_acquired_cover", "cancellation_notice"} <= kinds, kinds

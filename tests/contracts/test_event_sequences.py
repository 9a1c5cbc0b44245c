"""Random histories played through the services: whatever arrives, what is stored is possible.

Each example sells a plan, then plays a random sequence of claims, reviews, fulfilments,
cancellations, transfers and refund payments, each dated at random (so many arrive out of
date order, as back-dated entries do in real stores). The platform's clock moves forward
only, to the latest date seen so far: a review happens "now". Refusals are expected; the
test checks what the services let through:

- no event is stored dated before one stored earlier on the contract;
- the approved total never passes the aggregate limit (`ljpp-lifetime`: the item's price);
- a refund never deducts a claim filed after its cancellation, and lies in [0, price];
- a refused call writes nothing;
- the holder periods tile the contract's life: from the purchase, each ending where the
  next begins, the last one open, none running backwards.
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from factories import (
    adjuster_make,
    cancel,
    file_claim,
    fulfil,
    pay_refund,
    review,
    row_counts,
    sell,
    transfer,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemcare.claims.models import APPROVED, AWAITING_REVIEW, FULFILLED, Claim
from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.errors import ApplicationError
from gemcare.contracts.models import Cancellation, Contract, HolderPeriod

pytestmark = pytest.mark.django_db

PURCHASED = dt.date(2020, 3, 1)
LAST_DAY = dt.date(2025, 12, 31)  # every date stays before the real today
SERVICES = ["prong_repair", "stone_tightening", "rhodium_plating", "refinish_polish"]

days = st.integers(min_value=0, max_value=(LAST_DAY - PURCHASED).days).map(
    lambda offset: PURCHASED + dt.timedelta(days=offset)
)
costs = st.integers(min_value=1, max_value=90_000).map(lambda cents: Decimal(cents) / 100)
events = st.one_of(
    st.tuples(
        st.just("claim"),
        days,
        st.lists(st.tuples(st.sampled_from(SERVICES), costs), min_size=1, max_size=3),
        st.booleans(),  # repairable
        st.integers(min_value=0, max_value=40),  # days between incident and filing
    ),
    st.tuples(st.just("review"), days, st.sampled_from(["confirm", "lower", "deny"])),
    st.tuples(st.just("fulfil"), days, costs),
    st.tuples(st.just("cancel"), days),
    st.tuples(st.just("transfer"), days),
    st.tuples(st.just("refund_paid"), days),
)


class History:
    """Plays one random history and remembers the dates of what the services accepted."""

    def __init__(self, product: str, state: str, price: str) -> None:
        self.now = PURCHASED
        with clock_set(self.now):
            self.contract = sell(product, state, price, purchased=PURCHASED)
        self.adjuster = Caller.provider(adjuster_make())
        self.accepted: list[tuple[str, dt.date]] = [("sale", PURCHASED)]

    def play(self, event: tuple) -> None:
        kind, day = event[0], event[1]
        self.now = max(self.now, day)
        before = row_counts()
        with clock_set(self.now):
            try:
                dated = getattr(self, f"_{kind}")(day, *event[2:])
            except ApplicationError:
                # A refusal leaves nothing behind; whether it was right to refuse, the
                # invariants say.
                assert row_counts() == before, event
                return
        if dated is not None:
            self.accepted.append((kind, dated))

    def _claim(self, day, lines, repairable, incident_days):
        incident = max(PURCHASED, day - dt.timedelta(days=incident_days))
        file_claim(
            self.contract,
            *[(service, f"{cost:.2f}") for service, cost in lines],
            filed=day.isoformat(),
            incident=incident.isoformat(),
            repairable=repairable,
        )
        return day

    def _review(self, day, how):
        claim = self._latest(AWAITING_REVIEW)
        if claim is None:
            return None
        values = {"deny": True} if how == "deny" else {}
        if how == "lower":
            values = {"approved": f"{claim.approved / 2:.2f}"}
        review(claim, caller=self.adjuster, **values)
        return None  # a review is not a dated event of the contract's history

    def _fulfil(self, day, cost):
        claim = self._latest(APPROVED)
        if claim is None:
            return None
        fulfil(claim, actual_cost=f"{cost:.2f}", completed=day.isoformat())
        return day

    def _cancel(self, day):
        cancel(self.contract, date=day.isoformat(), by="holder")
        return day

    def _transfer(self, day):
        transfer(self.contract, day.isoformat())
        return day

    def _refund_paid(self, day):
        cancellation = Cancellation.objects.filter(contract=self.contract).first()
        if cancellation is None:
            return None
        pay_refund(cancellation, day.isoformat())
        return day

    def _latest(self, status):
        return Claim.objects.filter(contract=self.contract, status=status).order_by("-id").first()


def check_invariants(history: History) -> None:
    contract = Contract.objects.get(pk=history.contract.pk)
    accepted_days = [day for _, day in history.accepted]
    assert accepted_days == sorted(accepted_days), history.accepted
    assert contract.last_event_on == max(accepted_days)

    stored = list(contract.events.order_by("id").values_list("on", flat=True))
    assert stored == sorted(stored)
    claims = list(Claim.objects.filter(contract=contract).order_by("id"))
    filed = [claim.filed_on for claim in claims]
    assert filed == sorted(filed)

    used = sum(
        (c.approved for c in claims if c.status in {AWAITING_REVIEW, APPROVED, FULFILLED}),
        Decimal("0"),
    )
    if contract.product_version.product.code == "ljpp-lifetime":
        assert used <= contract.item_price

    cancellation = Cancellation.objects.filter(contract=contract).first()
    if cancellation is not None:
        before = sum(
            (
                c.approved
                for c in claims
                if c.filed_on <= cancellation.cancel_on and c.status in {APPROVED, FULFILLED}
            ),
            Decimal("0"),
        )
        assert cancellation.services_deducted <= before
        assert Decimal("0") <= cancellation.refund <= contract.plan_price
        for payment in cancellation.payments.all():
            assert payment.paid_on >= cancellation.cancel_on

    periods = list(HolderPeriod.objects.filter(contract=contract).order_by("since", "id"))
    assert periods[0].since == contract.purchased_on
    for earlier, later in itertools.pairwise(periods):
        assert earlier.until == later.since
    assert periods[-1].until is None
    assert all(p.until is None or p.until >= p.since for p in periods)
    assert periods[-1].holder_id == contract.holder_id


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plan=st.sampled_from(
        [
            ("ljpp-lifetime", "OK", "1200.00"),
            ("ljpp-lifetime", "CA", "600.00"),
            ("care-jewelry-3yr", "TX", "2500.00"),
        ]
    ),
    sequence=st.lists(events, min_size=1, max_size=12),
)
def test_random_histories_store_only_possible_ones(presets, plan, sequence):
    with transaction.atomic():
        history = History(*plan)
        for event in sequence:
            history.play(event)
        check_invariants(history)
        transaction.set_rollback(True)

"""The deadlines board: every clock on the losses and the policies, overdue first, then by
due date; filtered by kind and by policy; each saying who must act."""

import datetime as dt

import pytest
from insurance_factories import SYSTEM, bind, cancel, other_callers
from loss_support import agree, demand, report, request_proof

from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.insurance.deadlines import deadlines_open


def board(on, **filters):
    """The losses' rows of the board (the policies' own clocks have their own tests)."""
    return [
        (d.kind, d.due_on, d.policy_number, d.who)
        for d in deadlines_open(caller=SYSTEM, on=on, **filters)
        if d.loss_id is not None
    ]


@pytest.fixture
def clocks(presets):
    first, second = bind(), bind()
    proof = request_proof(report(policy=first, known_on="2025-05-02"), "2025-05-10")
    payment = agree(report(policy=second, loss_on="2025-06-01"), "2025-06-05", "500")
    appraisal = demand(report(policy=second, loss_on="2025-06-02"), "2025-06-10")
    return first, second, proof, payment, appraisal


def test_overdue_first_then_by_due_date(clocks):
    first, second, *_ = clocks
    rows = board(dt.date(2025, 7, 1))
    assert rows == [
        # overdue: the appraisers were due 30 June
        ("appraiser_insured", dt.date(2025, 6, 30), second.number, "insured"),
        ("appraiser_insurer", dt.date(2025, 6, 30), second.number, "insurer"),
        # payment due on the day itself is not overdue yet
        ("loss_payment", dt.date(2025, 7, 5), second.number, "insurer"),
        ("proof_of_loss", dt.date(2025, 8, 8), first.number, "insured"),
        ("suit_limitation", dt.date(2026, 5, 2), first.number, "insured"),
        ("suit_limitation", dt.date(2026, 6, 1), second.number, "insured"),
        ("suit_limitation", dt.date(2026, 6, 2), second.number, "insured"),
    ]
    assert board(dt.date(2025, 7, 6))[:3] == [
        ("appraiser_insured", dt.date(2025, 6, 30), second.number, "insured"),
        ("appraiser_insurer", dt.date(2025, 6, 30), second.number, "insurer"),
        ("loss_payment", dt.date(2025, 7, 5), second.number, "insurer"),
    ]


def test_filtered_by_kind_and_by_policy(clocks):
    first, *_ = clocks
    on = dt.date(2025, 7, 1)
    assert board(on, kinds=["proof_of_loss"]) == [
        ("proof_of_loss", dt.date(2025, 8, 8), first.number, "insured")
    ]
    assert {row[2] for row in board(on, policy=first)} == {first.number}
    assert [row[0] for row in board(on, policy=first)] == ["proof_of_loss", "suit_limitation"]
    assert deadlines_open(caller=SYSTEM, on=on, kinds=[]) == []


def test_a_policyholder_sees_their_own_clocks_only(clocks):
    first, second, *_ = clocks
    holder = Caller.policyholder(first.named_insureds.get())
    found = deadlines_open(caller=holder, on=dt.date(2025, 7, 1))
    assert {d.policy_number for d in found} == {first.number}
    assert deadlines_open(caller=holder, on=dt.date(2025, 7, 1), policy=second) == []


@pytest.mark.parametrize("who", ["retailer", "store", "holder"])
def test_others_see_no_clock(clocks, who):
    assert deadlines_open(caller=other_callers()[who], on=dt.date(2025, 7, 1)) == []


def test_the_policies_own_clocks_are_on_the_board(presets):
    policy = bind()
    with clock_set(dt.date(2025, 3, 1)):
        cancel(policy=policy, cancel_on="2025-03-20", by="insurer", notice_on="2025-03-01")
        found = deadlines_open(caller=SYSTEM, on=dt.date(2025, 3, 1))
    assert [(d.kind, d.due_on, d.who) for d in found if d.kind == "cancellation"] == [
        ("cancellation", dt.date(2025, 3, 20), "insurer")
    ]

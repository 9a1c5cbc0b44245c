"""Appraisal, when the insured and the insurer disagree on the amount: the written demand,
each side's appraiser within 20 days, the umpire within 15 days of both, the award."""

import datetime as dt
from decimal import Decimal

import pytest
from loss_support import (
    agree,
    award,
    demand,
    kinds,
    loss_counts,
    loss_state,
    name_appraiser,
    name_umpire,
    report,
    request_proof,
)

from gemcare.common.errors import InvalidInput, Refused
from gemcare.insurance.loss_selectors import loss_clocks
from gemcare.insurance.models import Loss


def clocks(loss) -> dict:
    return {deadline.kind: deadline for deadline in loss_clocks(loss)}


@pytest.fixture
def demanded(policy):
    loss = request_proof(report(policy=policy, peril="accidental_damage"), "2025-05-10")
    return demand(loss, "2025-06-01", "insurer")


def test_a_demand_gives_each_side_20_days_to_name_an_appraiser(demanded):
    loss = demanded
    assert (loss.status, loss.appraisal_demanded_by) == (Loss.APPRAISAL, "insurer")
    assert loss.appraiser_named_by == dt.date(2025, 6, 21)
    running = clocks(loss)
    assert (running["appraiser_insured"].who, running["appraiser_insurer"].who) == (
        "insured",
        "insurer",
    )
    due = running["appraiser_insured"]
    assert [due.is_overdue(dt.date(2025, 6, d)) for d in (20, 21, 22)] == [False, False, True]
    assert "umpire" not in running  # nobody to pick one yet
    assert "proof_of_loss" not in running  # the dispute is now about the amount


def test_the_umpire_is_due_15_days_after_the_second_appraiser(demanded):
    loss = name_appraiser(demanded, "2025-06-05", "insured", "Ruth Gold")
    assert loss.umpire_chosen_by is None
    assert set(clocks(loss)) == {"appraiser_insurer", "suit_limitation"}
    loss = name_appraiser(loss, "2025-06-10", "insurer", "Sam Carat")
    assert loss.umpire_chosen_by == dt.date(2025, 6, 25)
    umpire = clocks(loss)["umpire"]
    assert umpire.who == "both"
    assert [umpire.is_overdue(dt.date(2025, 6, d)) for d in (24, 25, 26)] == [False, False, True]
    loss = name_umpire(loss, "2025-06-20", "Judge Amber")
    assert "umpire" not in clocks(loss)
    assert (loss.umpire, loss.umpire_named_on) == ("Judge Amber", dt.date(2025, 6, 20))


def test_the_award_sets_the_amount_and_the_rules_settle_it(demanded):
    loss = name_appraiser(demanded, "2025-06-05", "insured", "Ruth Gold")
    loss = name_appraiser(loss, "2025-06-06", "insurer", "Sam Carat")
    loss = award(loss, "2025-07-01", "2400")
    assert (loss.status, loss.payout, loss.payment_due) == (
        Loss.AGREED,
        Decimal("2300.00"),
        dt.date(2025, 7, 31),
    )
    assert loss.steps == {"A": "2400.00", "B": "2400.00", "C": "2300.00", "D": "2300.00"}
    assert set(clocks(loss)) == {"loss_payment", "suit_limitation"}
    assert kinds(loss) == [
        "reported",
        "proof_requested",
        "appraisal_demanded",
        "appraiser_named",
        "appraiser_named",
        "appraisal_award",
    ]


def test_appraisal_refusals_change_nothing(policy, demanded):
    loss = name_appraiser(demanded, "2025-06-05", "insured", "Ruth Gold")
    before, state = loss_counts(), loss_state(loss)
    attempts = [
        (lambda: name_appraiser(loss, "2025-06-06", "insured", "Other"), "appraiser_already_named"),
        (lambda: name_umpire(loss, "2025-06-06", "Early Umpire"), "appraisers_not_named"),
        (lambda: name_appraiser(loss, "2025-06-04", "insurer", "Late"), "out_of_order"),
        (lambda: agree(loss, "2025-06-06", "100"), "in_appraisal"),
        (lambda: demand(loss, "2025-06-06"), "illegal_transition"),
    ]
    for attempt, code in attempts:
        with pytest.raises(Refused) as error:
            attempt()
        assert error.value.code == code
        assert (loss_counts(), loss_state(loss)) == (before, state), code
    plain = report(policy=policy)
    with pytest.raises(Refused) as error:
        award(plain, "2025-06-06", "100")
    assert error.value.code == "not_in_appraisal"
    with pytest.raises(Refused) as error:
        name_appraiser(plain, "2025-06-06", "insured", "Ruth")
    assert error.value.code == "not_in_appraisal"


def test_appraisal_bad_input_names_the_field(demanded):
    before = loss_counts()
    for call, field in [
        (lambda: demand(demanded, "2025-06-02", by="jeweler"), "by"),
        (lambda: name_appraiser(demanded, "2025-06-02", "umpire", "X"), "side"),
        (lambda: name_appraiser(demanded, "2025-06-02", "insured", ""), "name"),
        (lambda: name_appraiser(demanded, "2025-06-02", "insured", "x" * 201), "name"),
        (lambda: name_umpire(demanded, "2025-13-01", "X"), "on"),
    ]:
        with pytest.raises(InvalidInput) as error:
            call()
        assert error.value.field == field
    assert loss_counts() == before

"""A loss's life: reported, proof of loss requested, amount agreed with every settlement step,
settled by repair, replacement or payment, property recovered, closed (RULEBOOK 6.1)."""

import datetime as dt
from decimal import Decimal

import pytest
from insurance_factories import SYSTEM, bind, other_callers, policy_state
from loss_support import (
    agree,
    close,
    kinds,
    loss_counts,
    loss_state,
    recover,
    report,
    request_proof,
    settle,
)

from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.common.models import AuditEntry
from gemcare.insurance.loss_selectors import loss_clocks
from gemcare.insurance.models import Loss, LossEvent, PolicyEvent, ScheduledItem
from gemcare.insurance.selectors import policy_premium_in_force
from gemcare.partners.models import Retailer


@pytest.fixture
def sent(monkeypatch):
    """The emails the loss services send, by template."""
    calls = []

    def record(*, to, template, context):
        calls.append((template, to, context))

    monkeypatch.setattr("gemcare.insurance.services.losses.email_send", record)
    monkeypatch.setattr("gemcare.insurance.services.loss_steps.email_send", record)
    return calls


def clock(loss, kind):
    return next((d for d in loss_clocks(loss) if d.kind == kind), None)


def test_a_reported_loss_has_its_facts_and_no_amount(policy):
    loss = report(
        policy=policy,
        loss_on="2025-05-02",
        known_on="2025-05-03",
        reported_on="2025-05-04",
        place="Madison, at the lake",
        description="The ring slipped off and hit a rock.",
        peril="accidental_damage",
    )
    assert (loss.status, loss.covered, loss.cost, loss.payout) == (
        Loss.REPORTED,
        None,
        None,
        Decimal("0.00"),
    )
    assert (loss.place, loss.reported_on, loss.channel) == (
        "Madison, at the lake",
        dt.date(2025, 5, 4),
        Loss.STAFF,
    )
    assert loss.suit_by == dt.date(2026, 5, 3)  # a year after the insured knew
    assert (loss.proof_of_loss_due, loss.payment_due) == (None, None)
    assert kinds(loss) == ["reported"]
    assert AuditEntry.objects.filter(action="loss_reported", entity_id=str(loss.pk)).exists()
    assert [d.kind for d in loss_clocks(loss)] == ["suit_limitation"]


def test_a_theft_needs_the_police_report(policy):
    before = loss_counts()
    with pytest.raises(InvalidInput) as error:
        report(policy=policy, peril="theft")
    assert error.value.field == "police_report"
    assert loss_counts() == before
    loss = report(policy=policy, peril="theft", police_report="MPD-2025-0412")
    assert loss.police_report == "MPD-2025-0412"


def test_an_excluded_peril_is_denied_when_reported_with_its_reason(policy):
    loss = report(policy=policy, peril="vermin")
    assert (loss.status, loss.covered, loss.reason_code) == (Loss.DENIED, False, "vermin")
    assert "vermin" in loss.reason_words and "excluded" in loss.reason_words
    assert kinds(loss) == ["reported", "denied"]
    before, state = loss_counts(), loss_state(loss)
    with pytest.raises(Refused) as error:
        agree(loss, "2025-05-10", "500")
    assert error.value.code == "illegal_transition"
    assert (loss_counts(), loss_state(loss)) == (before, state)


def test_wear_and_tear_is_denied_unless_an_allowed_repair(policy):
    denied = report(policy=policy, peril="wear_and_tear", repair="ring_sizing")
    allowed = report(policy=policy, peril="wear_and_tear", repair="prong_repair")
    assert (denied.status, denied.reason_code) == (Loss.DENIED, "wear_and_tear")
    assert allowed.status == Loss.REPORTED


def test_a_loss_outside_the_period_is_denied(policy):
    loss = report(policy=policy, loss_on="2024-12-31")
    assert (loss.status, loss.reason_code) == (Loss.DENIED, "outside_policy_period")


def test_proof_of_loss_is_due_90_days_after_the_request(policy, sent):
    loss = report(policy=policy)
    loss = request_proof(loss, "2025-05-10")
    assert (loss.status, loss.proof_requested_on) == (Loss.PROOF_REQUESTED, dt.date(2025, 5, 10))
    due = clock(loss, "proof_of_loss")
    assert due.due_on == dt.date(2025, 8, 8) and due.who == "insured"
    assert due.is_overdue(dt.date(2025, 8, 7)) is False  # the day before
    assert due.is_overdue(dt.date(2025, 8, 8)) is False  # the day itself
    assert due.is_overdue(dt.date(2025, 8, 9)) is True  # the day after
    assert [(t, to) for t, to, _ in sent] == [("loss_proof_requested", ["ann@example.com"])]
    assert sent[0][2]["due_on"] == dt.date(2025, 8, 8)


def test_agreeing_the_amount_keeps_every_step_and_starts_the_payment_clock(policy, sent):
    loss = request_proof(report(policy=policy, peril="accidental_damage"), "2025-05-10")
    loss = agree(
        loss,
        "2025-06-01",
        "1500",
        service_plan_due="200",
        paid_by_others="100",
        other_insurance_limits="2000",
    )
    # A 1500; B 1500 - 200 - 100 = 1200; C 1100; D 1100 x 8000 / 10000 = 880
    assert (loss.status, loss.covered, loss.payout) == (Loss.AGREED, True, Decimal("880.00"))
    assert loss.steps == {"A": "1500.00", "B": "1200.00", "C": "1100.00", "D": "880.00"}
    assert (loss.amount_agreed_on, loss.payment_due) == (dt.date(2025, 6, 1), dt.date(2025, 7, 1))
    assert clock(loss, "proof_of_loss") is None  # the amount is established
    payment = clock(loss, "loss_payment")
    assert (payment.due_on, payment.who) == (dt.date(2025, 7, 1), "insurer")
    assert [payment.is_overdue(dt.date(2025, 7, d)) for d in (1, 2)] == [False, True]
    assert payment.is_overdue(dt.date(2025, 6, 30)) is False
    event = LossEvent.objects.get(loss=loss, kind="agreed")
    assert (event.amount, event.steps, event.status) == (Decimal("880.00"), loss.steps, "agreed")
    assert ScheduledItem.objects.get(pk=loss.item_id).limit == Decimal("8000.00")  # partial
    assert [t for t, _, _ in sent] == ["loss_proof_requested", "loss_amount_agreed"]
    assert sent[1][2]["payout"] == Decimal("880.00")


def test_a_total_loss_removes_the_item_and_refunds_its_unearned_premium(policy):
    loss = report(policy=policy, peril="theft", police_report="P-1")
    assert ScheduledItem.objects.get(pk=loss.item_id).is_scheduled  # not until agreed
    loss = agree(loss, "2025-05-20", "9000")
    assert (loss.payout, loss.item_removed, loss.refund) == (
        Decimal("7900.00"),
        True,
        Decimal("64.18"),  # 96 x 244 / 365 days left after the loss on 2 May
    )
    item = ScheduledItem.objects.get(pk=loss.item_id)
    assert (item.status, item.removed_on) == (ScheduledItem.REMOVED, dt.date(2025, 5, 2))
    removal = PolicyEvent.objects.get(kind="item_removed")
    assert (removal.loss_id, removal.refund) == (loss.pk, Decimal("64.18"))
    assert policy_premium_in_force(policy=policy) == Decimal("31.82")


def test_a_step_dated_before_the_last_one_is_refused(policy):
    loss = request_proof(report(policy=policy, reported_on="2025-05-04"), "2025-05-10")
    before, state, policy_before = loss_counts(), loss_state(loss), policy_state(policy)
    with pytest.raises(Refused) as error:
        agree(loss, "2025-05-09", "500")
    assert error.value.code == "out_of_order"
    assert (loss_counts(), loss_state(loss), policy_state(policy)) == (
        before,
        state,
        policy_before,
    )


def test_settled_by_payment_then_recovered_then_closed(policy):
    loss = agree(report(policy=policy, peril="theft", police_report="P-1"), "2025-05-20", "9000")
    with pytest.raises(Refused) as error:
        recover(loss, "2025-05-25")
    assert error.value.code == "nothing_to_recover"
    loss = settle(loss, "2025-06-19", "payment")
    assert (loss.status, loss.settled_by, loss.settled_on) == (
        Loss.SETTLED,
        Loss.PAYMENT,
        dt.date(2025, 6, 19),
    )
    assert loss_clocks(loss) == []  # paid: no clock runs
    loss = recover(loss, "2025-08-01", "Found in a pawn shop")
    assert loss.recovered_on == dt.date(2025, 8, 1)
    event = LossEvent.objects.get(loss=loss, kind="recovered")
    assert (event.by, event.note) == ("insurer", "Found in a pawn shop")
    with pytest.raises(Refused) as error:
        recover(loss, "2025-08-02")
    assert error.value.code == "already_recovered"
    loss = close(loss, "2025-08-05")
    assert (loss.status, loss.closed_on) == (Loss.CLOSED, dt.date(2025, 8, 5))
    assert kinds(loss) == ["reported", "agreed", "settled", "recovered", "closed"]


def test_repair_goes_through_an_approved_jeweler(policy):
    Retailer.objects.create(code="gems-co", name="Gems & Co")
    Retailer.objects.create(code="gone", name="Gone Jewelers", is_active=False)
    loss = agree(report(policy=policy, peril="accidental_damage"), "2025-05-20", "600")
    before, state = loss_counts(), loss_state(loss)
    for values, field in [({}, "jeweler"), ({"jeweler": "nobody"}, "jeweler")]:
        with pytest.raises(InvalidInput) as error:
            settle(loss, "2025-05-21", "repair", **values)
        assert error.value.field == field
    with pytest.raises(Refused) as error:
        settle(loss, "2025-05-21", "repair", jeweler="gone")
    assert error.value.code == "not_an_approved_jeweler"
    with pytest.raises(InvalidInput) as error:
        settle(loss, "2025-05-21", "payment", jeweler="gems-co")
    assert error.value.field == "jeweler"
    assert (loss_counts(), loss_state(loss)) == (before, state)
    loss = settle(loss, "2025-05-21", "repair", jeweler="gems-co")
    assert (loss.settled_by, loss.jeweler.code) == (Loss.REPAIR, "gems-co")
    with pytest.raises(Refused) as error:
        recover(loss, "2025-05-22")  # a repaired item was never the insurer's
    assert error.value.code == "nothing_to_recover"


def test_the_suit_clock_runs_until_settled(policy):
    loss = report(policy=policy, known_on="2025-05-05")
    suit = clock(loss, "suit_limitation")
    assert suit.due_on == dt.date(2026, 5, 5)
    assert [suit.is_overdue(dt.date(2026, 5, d)) for d in (4, 5, 6)] == [False, False, True]
    loss = settle(agree(loss, "2025-05-20", "600"), "2025-05-30")
    assert clock(loss, "suit_limitation") is None


def test_a_policyholder_reports_on_their_own_policy_only(presets):
    mine, theirs = bind(), bind()
    holder = Caller.policyholder(mine.named_insureds.get())
    loss = report(policy=mine, caller=holder, description="Lost at the beach")
    assert (loss.channel, loss.policy_id) == (Loss.CUSTOMER, mine.pk)
    before = loss_counts()
    with pytest.raises(NotFound):
        report(policy=theirs, caller=holder)
    assert loss_counts() == before
    with pytest.raises(NotFound):  # the insurer's steps are not theirs
        agree(loss, "2025-05-10", "100", caller=holder)
    assert loss_counts() == before


@pytest.mark.parametrize("who", ["retailer", "store", "holder"])
def test_others_cannot_report_or_act(policy, who):
    caller = other_callers()[who]
    loss = report(policy=policy)
    before, state = loss_counts(), loss_state(loss)
    with pytest.raises(NotFound):
        report(policy=policy, caller=caller)
    with pytest.raises(NotFound):
        request_proof(loss, "2025-05-10", caller=caller)
    assert (loss_counts(), loss_state(loss)) == (before, state)


REPORT_BAD_INPUT = [
    ({"loss_on": "2025-02-30"}, "loss_on"),
    ({"loss_on": "9999-01-01"}, "loss_on"),
    ({"loss_on": "1800-01-01"}, "loss_on"),
    ({"loss_on": 20250502}, "loss_on"),
    ({"peril": "meteor"}, "peril"),
    ({"peril": ["fire"]}, "peril"),
    ({"item_ref": "zz"}, "item_ref"),
    ({"item_ref": None}, "newly_acquired_on"),
    ({"known_on": "2025-05-01"}, "known_on"),
    ({"reported_on": "2025-05-01"}, "reported_on"),
    ({"place": "x" * 201}, "place"),
    ({"description": "a\x00b"}, "description"),
    ({"police_report": 12}, "police_report"),
    ({"colour": "red"}, "colour"),
]


def test_report_bad_input_names_the_field_and_writes_nothing(policy):
    before, state = loss_counts(), policy_state(policy)
    for changes, field in REPORT_BAD_INPUT:
        with pytest.raises(InvalidInput) as error:
            report(policy=policy, **changes)
        assert error.value.field == field, changes
        assert (loss_counts(), policy_state(policy)) == (before, state), changes


AGREE_BAD_INPUT = [
    ({"cost": "-1"}, "cost"),
    ({"cost": 12.5}, "cost"),
    ({"cost": "1" * 40}, "cost"),
    ({"cost": "0.001"}, "cost"),
    ({"service_plan_due": "x"}, "service_plan_due"),
    ({"other_insurance_limits": True}, "other_insurance_limits"),
    ({"on": "tomorrow"}, "on"),
]


def test_agree_bad_input_names_the_field_and_writes_nothing(policy):
    loss = report(policy=policy)
    before, state = loss_counts(), loss_state(loss)
    for changes, field in AGREE_BAD_INPUT:
        with pytest.raises(InvalidInput) as error:
            agree(loss, **({"on": "2025-05-10", "cost": "100"} | changes))
        assert error.value.field == field, changes
        assert (loss_counts(), loss_state(loss)) == (before, state), changes


def test_the_log_of_a_loss_is_never_changed(policy):
    event = report(policy=policy).history.get()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_recording_at_once_still_works_and_logs_both_steps(policy):
    from insurance_factories import record_loss

    loss = record_loss(policy=policy, loss_on="2025-05-02", item_ref="r1", peril="fire", cost="500")
    assert (loss.status, loss.payout) == (Loss.AGREED, Decimal("400.00"))
    assert kinds(loss) == ["reported", "agreed"]
    denied = record_loss(
        policy=policy, loss_on="2025-05-02", item_ref="r1", peril="war", cost="500"
    )
    assert (denied.status, denied.cost, denied.payout) == (
        Loss.DENIED,
        Decimal("500.00"),
        Decimal("0.00"),
    )
    assert SYSTEM.is_provider


def test_the_database_refuses_to_change_the_log(policy):
    from django.db import IntegrityError, transaction

    event = report(policy=policy).history.get()
    for change in (
        lambda: LossEvent.objects.filter(pk=event.pk).update(note="edited"),
        lambda: LossEvent.objects.filter(pk=event.pk)._raw_delete(LossEvent.objects.db),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            change()
    assert LossEvent.objects.get(pk=event.pk).note == ""


def test_a_replaced_item_found_later_becomes_the_insurers(policy):
    Retailer.objects.create(code="gems-co", name="Gems & Co")
    loss = agree(report(policy=policy, peril="theft", police_report="P-9"), "2025-05-20", "9000")
    loss = settle(loss, "2025-06-01", "replacement", jeweler="gems-co")
    event = LossEvent.objects.get(loss=loss, kind="settled")
    assert (event.by, event.name, event.amount) == ("replacement", "Gems & Co", Decimal("7900.00"))
    assert recover(loss, "2025-07-01").recovered_on == dt.date(2025, 7, 1)


def test_a_loss_dated_before_a_limit_change_is_settled_at_the_limit_of_its_day(policy):
    from policy_lifecycle_factories import change_item

    # The ring's limit goes up from July; a fire in May, reported in August, had the old one.
    change_item(policy=policy, ref="r1", on="2025-07-01", limit="12000.00")
    loss = report(policy=policy, loss_on="2025-05-02", reported_on="2025-08-01")
    loss = agree(loss, "2025-08-05", "10000.00")
    assert loss.steps["A"] == "8000.00"  # the least of the cost and May's limit, not July's

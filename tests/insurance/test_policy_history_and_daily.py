"""A policy's history in words, the payments ledger, and the daily command."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from insurance_factories import add_item, bind, cancel, record_loss
from policy_lifecycle_factories import (
    acquired_record,
    change_item,
    daily,
    day,
    lifecycle_counts,
    monthly_policy,
    pay,
)

from gemcare.common.clock import clock_set
from gemcare.insurance.history_selectors import policy_history
from gemcare.insurance.models import Policy, PolicyPayment


def test_the_history_tells_every_step_in_date_order(presets):
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="10.50")
    with clock_set(day("2025-03-05")):
        add_item(policy=policy, ref="n1", kind="necklace", limit="1000.00", on="2025-03-05")
    change_item(policy=policy, ref="n1", on="2025-03-10", limit="1500.00")
    acquired_record(policy=policy, on="2025-03-12", kind="ring", acquired_on="2025-03-11")
    with clock_set(day("2025-04-02")):
        record_loss(policy=policy, loss_on="2025-04-01", item_ref="r1", peril="fire", cost="200.00")
    daily("2025-04-03")  # installments of February to April missed: notice
    history = policy_history(policy)
    assert [entry.on for entry in history] == sorted(entry.on for entry in history)
    assert [entry.kind for entry in history] == [
        "bound",
        "payment",
        "item_added",
        "item_changed",
        "newly_acquired",
        "loss",
        "cancellation_notice",
    ]
    words = [entry.words for entry in history]
    assert words[0] == "Policy issued for the period from 2025-01-01; premium 96.00."
    assert words[3].startswith("Item n1: limit changed from 1,000.00 to 1,500.00.")
    assert "payout 100.00" in words[5]
    assert "taking effect on 2025-04-13" in words[6]


def test_a_cancelled_policy_says_so(presets):
    policy = bind()
    pay(policy=policy, paid_on="2025-01-01", amount="96.00")
    with clock_set(day("2025-03-01")):
        cancel(policy=policy, cancel_on="2025-03-01", by="insured")
    # 96.00 x 306 / 365 = 80.48
    assert policy_history(policy)[-1].words == "Cancelled as of 2025-03-01; premium refunded 80.48."


def test_a_payment_cannot_be_changed_or_deleted_in_the_database(presets):
    policy = bind()
    pay(policy=policy, paid_on="2025-01-01", amount="96.00")
    payment = PolicyPayment.objects.get()
    for attempt in (
        lambda: PolicyPayment._base_manager.filter(pk=payment.pk).update(amount=Decimal("1")),
        lambda: PolicyPayment._base_manager.filter(pk=payment.pk)._raw_delete(using="default"),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            attempt()
    assert PolicyPayment.objects.get().amount == Decimal("96.00")


def test_the_daily_command_runs_once_a_day(presets):
    policy = bind()
    out = io.StringIO()
    with clock_set(day("2025-01-02")):
        call_command("policies_daily", on=day("2025-01-02"), stdout=out)
    assert "1 notice_given" in out.getvalue()
    before = lifecycle_counts()
    again = io.StringIO()
    with clock_set(day("2025-01-02")):
        call_command("policies_daily", on=day("2025-01-02"), stdout=again)
    assert "nothing due" in again.getvalue()
    assert lifecycle_counts() == before
    assert Policy.objects.get(pk=policy.pk).status == Policy.ACTIVE


def test_the_daily_command_refuses_a_day_ahead(presets):
    with clock_set(day("2025-01-02")), pytest.raises(CommandError):
        call_command("policies_daily", on=day("2025-01-03"), stdout=io.StringIO())


def test_the_notice_offer_and_reminder_emails_say_what_to_do(
    presets, monkeypatch, django_capture_on_commit_callbacks
):
    from gemcare.common import email

    sent = []

    class Recorder:
        enqueue = staticmethod(sent.append)

    monkeypatch.setattr(email, "email_deliver_task", Recorder)
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="10.50")
    with django_capture_on_commit_callbacks(execute=True):
        daily("2025-02-02")
    notice = sent.pop()
    assert notice["to"] == ["ann@example.com"]
    assert policy.number in notice["subject"]
    assert "$10.50" in notice["text"] and "2025-02-12" in notice["text"]
    pay(policy=policy, paid_on="2025-02-03", amount="105.00")  # up to date through November
    with django_capture_on_commit_callbacks(execute=True):
        acquired_record(policy=policy, on="2025-11-10", kind="ring", acquired_on="2025-11-01")
        daily("2025-11-24")
    texts = sorted(message["subject"] for message in sent)
    assert texts == [
        f"Renew your jewelry insurance policy {policy.number} from 2026-01-01",
        f"Schedule your new ring on policy {policy.number} by 2025-12-01",
    ]
    offer = next(m for m in sent if m["subject"].startswith("Renew"))
    assert "pay $10.50 before 2026-01-01" in offer["text"]


def test_the_history_tells_a_loss_without_an_amount_from_a_denied_one(presets):
    from loss_support import report

    policy = bind()
    with clock_set(day("2025-05-03")):
        report(policy=policy, loss_on="2025-05-02", peril="fire")
        report(policy=policy, loss_on="2025-05-02", peril="war")
    words = [entry.words for entry in policy_history(policy) if entry.kind == "loss"]
    assert words == ["Loss (fire): reported, no amount yet.", "Loss (war): not covered."]

"""The holder is emailed a claim's decision after the commit: when the jeweler portal files
it and when an adjuster decides; never for a change rolled back, never without an email, and
not for filings through the partner API or files."""

import pytest
from claim_review_support import ask, decide, denied_claim
from django.core import mail
from django.db import transaction
from factories import SYSTEM, claim_in, holder_data, sell

from gemcare.claims.services import claim_file

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE


def file_through_the_portal(contract, *lines, **claim):
    return claim_file(
        caller=SYSTEM, contract=contract, claim=claim_in(*lines, **claim), notify_holder=True
    )


def test_a_claim_filed_through_the_portal_sends_the_decision(
    presets, django_capture_on_commit_callbacks
):
    contract = sell(holder=holder_data(name="Ada <Holder>"))
    with django_capture_on_commit_callbacks(execute=True):
        claim = file_through_the_portal(
            contract, ("prong_repair", "85.00"), ("watch_battery", "20.00")
        )

    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"]
    assert sent.subject == f"Your claim {claim.number}: partly approved"
    assert "Approved: $85.00" in sent.body and "Your share: $20.00" in sent.body
    assert "Prong repair (retipping and rebuilding), estimated $85.00: approved" in sent.body
    assert "Watch battery" in sent.body and "Ada <Holder>" in sent.body
    ((html, _),) = sent.alternatives
    assert "Ada &lt;Holder&gt;" in html and claim.number in html
    assert "ask for a person" not in sent.body  # not a denial


def test_a_denial_tells_the_holder_they_may_ask_for_a_person(
    presets, django_capture_on_commit_callbacks
):
    contract = sell()
    with django_capture_on_commit_callbacks(execute=True):
        claim = file_through_the_portal(contract, ("prong_repair", "85.00"), cause="theft")

    (sent,) = mail.outbox
    assert sent.subject == f"Your claim {claim.number}: denied"
    assert "ask for a person to review it" in sent.body
    assert "Theft" in sent.body or "theft" in sent.body


def test_a_claim_awaiting_review_says_an_adjuster_confirms_it(
    presets, django_capture_on_commit_callbacks
):
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
    with django_capture_on_commit_callbacks(execute=True):
        claim = file_through_the_portal(
            contract, ("stone_replacement", "1800.00"), cause="accidental_damage"
        )

    (sent,) = mail.outbox
    assert sent.subject == f"Your claim {claim.number}: waiting for an adjuster"
    assert "an adjuster confirms this amount" in sent.body


def test_the_partner_api_path_sends_nothing(presets, django_capture_on_commit_callbacks):
    contract = sell()
    with django_capture_on_commit_callbacks(execute=True):
        claim_file(caller=SYSTEM, contract=contract, claim=claim_in(("prong_repair", "85.00")))

    assert mail.outbox == []


def test_the_adjusters_decision_on_a_request_is_sent_with_the_reason(
    presets, django_capture_on_commit_callbacks
):
    _contract, claim = denied_claim()
    ask(claim)
    with django_capture_on_commit_callbacks(execute=True):
        decide(claim, approved="120.00", note="The setting failed; covered after all.")

    (sent,) = mail.outbox
    assert sent.subject == f"Your claim {claim.number}: partly approved"
    assert "The adjuster's reason: The setting failed; covered after all." in sent.body
    assert "Approved: $120.00" in sent.body and "ask for a person" not in sent.body


def test_a_holder_without_an_email_gets_none(presets, django_capture_on_commit_callbacks):
    contract = sell(holder={**holder_data(), "email": ""})
    with django_capture_on_commit_callbacks(execute=True):
        file_through_the_portal(contract, ("prong_repair", "85.00"))

    assert mail.outbox == []


def test_nothing_is_sent_for_a_filing_rolled_back(presets, django_capture_on_commit_callbacks):
    contract = sell()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        file_through_the_portal(contract, ("prong_repair", "85.00"))
        raise RuntimeError("the page failed after the filing")

    assert callbacks == [] and mail.outbox == []

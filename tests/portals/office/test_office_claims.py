"""The adjuster queue and a claim's file: oldest first with the 60-day flag, the rules'
explanation line by line, the item and its photos, the contract's history; confirm, change
or deny, with a written reason where one is needed, and the holder told."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from factories import SYSTEM, file_claim, sell, transfer
from office_support import (
    asked_for_a_person,
    awaiting_review,
    has_h1,
    photo_file,
    text_of,
    unchanged,
)

from gemcare.claims.models import APPROVED, DENIED, Claim
from gemcare.claims.services import claim_photos_add
from gemcare.common.models import AuditEntry
from gemcare.portals.office import claims as office_claims
from gemcare.portals.testing import verified_login


@pytest.fixture
def adjuster(client, people):
    verified_login(client, people.adjuster)
    return people.adjuster


def fresh(claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_lists_reviews_and_requests_oldest_first_with_the_60_day_flag(
    client, presets, adjuster
):
    old = awaiting_review()
    Claim.objects.filter(pk=old.pk).update(filed_on=dt.date(2024, 5, 1))
    requested = asked_for_a_person(state="GA")
    newest = awaiting_review()
    decided_elsewhere = sell()
    approved_at_once = file_claim(decided_elsewhere, ("prong_repair", "85.00"))

    response = client.get("/office/claims/queue")

    page = text_of(response)
    assert response.status_code == 200 and has_h1(page)
    positions = [page.index(claim.number) for claim in (old, requested, newest)]
    assert positions == sorted(positions)
    assert approved_at_once.number not in page
    assert "A person&#x27;s review of a denial" in page or "A person's review of a denial" in page
    assert page.count("Unpaid over 60 days") == 3  # every one was filed in 2024
    assert "The holder may claim directly against the insurer (GA)" in page


def test_the_queue_pages_by_keyset(client, presets, adjuster, monkeypatch):
    monkeypatch.setattr(office_claims, "QUEUE_PAGE", 1)
    first, second = awaiting_review(), asked_for_a_person()

    page = text_of(client.get("/office/claims/queue"))
    after = page.split("?after=")[1].split('"')[0]
    following = text_of(client.get(f"/office/claims/queue?after={after}"))

    assert first.number in page and second.number not in page
    assert second.number in following and first.number not in following


@pytest.mark.parametrize("after", ["yesterday", "2024-13-01.5", "2024-01-01." + "9" * 30])
def test_a_bad_page_start_names_it(client, presets, adjuster, after):
    response = client.get(f"/office/claims/queue?after={after}")

    assert response.status_code == 422 and "error-summary" in text_of(response)


# --- a claim's file --------------------------------------------------------------------------


def test_the_claims_file_shows_the_rules_the_item_its_photos_and_the_history(
    client, presets, adjuster
):
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00", serial="SN-4242")
    transfer(contract, "2024-04-01")
    claim = file_claim(
        contract,
        ("stone_replacement", "1800.00"),
        ("watch_battery", "20.00"),
        cause="accidental_damage",
    )
    (photo,) = claim_photos_add(caller=SYSTEM, claim=claim, files=[photo_file()])

    response = client.get(f"/office/claims/{claim.number}")

    page = text_of(response)
    assert response.status_code == 200 and has_h1(page)
    assert "The rules&#x27; explanation" in page or "The rules' explanation" in page
    assert "watch battery is not a covered service for a ring." in page
    assert "<code>service_not_covered</code>" in page
    assert "SN-4242" in page and "$5,000.00" in page and "A test item" in page
    assert f'src="/office/claims/{claim.number}/photos/{photo.pk}"' in page
    assert "Ada Holder" in page and "Ben Recipient" in page  # the holders, in order
    assert "Sale" in page and "Transfer" in page
    assert "Confirm the rules" in page and "Deny the claim" in page
    served = client.get(f"/office/claims/{claim.number}/photos/{photo.pk}")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_a_claim_decided_offers_no_decision(client, presets, adjuster):
    claim = file_claim(sell(), ("prong_repair", "85.00"))

    page = text_of(client.get(f"/office/claims/{claim.number}"))

    assert "Decide</h2>" not in page


def test_an_unknown_claim_is_not_found(client, presets, adjuster):
    assert client.get("/office/claims/K00000000").status_code == 404
    assert client.get("/office/claims/K0/photos/1").status_code == 404


# --- deciding --------------------------------------------------------------------------------


def decide(client, claim, values: dict | None = None, **more):
    return client.post(f"/office/claims/{claim.number}/review", {**(values or {}), **more})


CONFIRM = {"action": "confirming"}
CHANGE = {"action": "changing"}
DENY = {"action": "denying"}


def change(amount: str, note: str = "A reason.") -> dict:
    return {**CHANGE, "changing.approved": amount, "changing.note": note}


def deny(note: str) -> dict:
    return {**DENY, "denying.note": note}


def test_the_adjuster_confirms_and_the_holder_is_told(
    client, presets, adjuster, django_capture_on_commit_callbacks
):
    claim = awaiting_review()

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, claim, CONFIRM)

    assert response.status_code == 302 and response["Location"] == f"/office/claims/{claim.number}"
    assert fresh(claim).status == APPROVED
    (sent,) = mail.outbox
    assert sent.subject == f"Your claim {claim.number}: approved"
    assert "$1,800.00 approved." in text_of(client.get(response["Location"]))


def test_changing_the_amount_with_a_reason_lowers_it(client, presets, adjuster):
    claim = awaiting_review()

    response = decide(client, claim, change("1500.00", "The quote."))

    assert response.status_code == 302
    claim = fresh(claim)
    assert (claim.status, claim.approved) == (APPROVED, Decimal("1500.00"))
    entry = AuditEntry.objects.get(action="claim_reviewed")
    assert entry.data["note"] == "The quote." and entry.actor == adjuster


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        (DENY, "denying-note", "is required to deny a claim or change its amount"),
        ({**DENY, "denying.note": "   "}, "denying-note", "is required to deny"),
        ({**CHANGE, "changing.approved": "1500.00"}, "changing-note", "is required to deny"),
        ({**CHANGE, "changing.note": "why"}, "changing-approved", "is required"),
        (change("1900.00"), "changing-approved", "the rules allow"),
        (change("-1"), "changing-approved", ""),
        (change("1e9"), "changing-approved", ""),
        (change("12.345"), "changing-approved", "decimals"),
        ({**DENY, "denying.note": "x" * 1001}, "denying-note", "at most 1000 characters"),
        ({**DENY, "denying.note": "bad\x00"}, "denying-note", "control characters"),
        ({"action": "confirming", "surprise": "1"}, "surprise", "is not a known field"),
        ({"action": "confirming", "confirming.deny": "1"}, "confirming-deny", "not a known"),
    ],
)
def test_a_decision_without_what_it_needs_names_the_field_and_changes_nothing(
    client, presets, adjuster, values, field, words, django_capture_on_commit_callbacks
):
    claim = awaiting_review()
    before = unchanged(claim, claim.contract)

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, claim, values)

    page = text_of(response)
    assert response.status_code == 422
    assert f'href="#f-{field}"' in page and words in page  # the summary links to it
    if field not in {"surprise", "confirming-deny"}:  # a field of the form: beside it
        assert f'id="f-{field}-error"' in page and 'aria-invalid="true"' in page
    assert unchanged(claim, claim.contract) == before
    assert mail.outbox == []


def test_a_denial_with_its_reason_tells_the_holder_why(
    client, presets, adjuster, django_capture_on_commit_callbacks
):
    claim = awaiting_review()

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, claim, deny("The stone was not lost."))

    assert response.status_code == 302
    claim = fresh(claim)
    assert (claim.status, claim.approved) == (DENIED, Decimal("0.00"))
    assert claim.decisions.last().explanation == ["The stone was not lost."]
    (sent,) = mail.outbox
    assert "The adjuster's reason: The stone was not lost." in sent.body


def test_a_claim_decided_already_is_refused_in_words(client, presets, adjuster):
    claim = awaiting_review()
    decide(client, claim, CONFIRM)
    before = unchanged(fresh(claim), claim.contract)

    response = decide(client, claim, deny("changed my mind"))

    page = text_of(response)
    assert response.status_code == 409
    assert "claim_not_awaiting_review" in page and "Nothing was changed" in page
    assert unchanged(fresh(claim), claim.contract) == before


def test_the_holders_request_is_upheld_or_approved_with_a_reason(client, presets, adjuster):
    upheld, approved = asked_for_a_person(), asked_for_a_person()
    page = text_of(client.get(f"/office/claims/{upheld.number}"))
    assert "Nothing was stolen." in page and "Uphold the denial" in page
    assert "Confirm the rules" not in page  # a denial is upheld, with a reason

    assert decide(client, upheld, deny("Theft is never covered.")).status_code == 302
    assert decide(client, approved, change("250.00", "A defect.")).status_code == 302

    assert (fresh(upheld).status, fresh(upheld).review_open) == (DENIED, False)
    assert (fresh(approved).status, fresh(approved).approved) == (APPROVED, Decimal("250.00"))


def test_a_requested_review_is_not_approved_above_the_estimate(client, presets, adjuster):
    claim = asked_for_a_person()
    before = unchanged(claim, claim.contract)

    response = decide(client, claim, change("400.01", "all of it"))

    page = text_of(response)
    assert response.status_code == 422 and "the claim&#x27;s total estimate" in page
    assert unchanged(claim, claim.contract) == before


def test_an_administrator_without_a_staff_record_decides_too(client, presets, people):
    verified_login(client, people.superuser)
    claim = awaiting_review()

    assert decide(client, claim, CONFIRM).status_code == 302
    assert fresh(claim).status == APPROVED


def test_a_decision_needs_the_csrf_token(presets, people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    verified_login(client, people.adjuster)
    claim = awaiting_review()
    before = unchanged(claim, claim.contract)

    assert decide(client, claim, CONFIRM).status_code == 403
    assert unchanged(claim, claim.contract) == before

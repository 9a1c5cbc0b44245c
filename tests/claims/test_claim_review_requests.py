"""Asking for a person to review a denial (RULEBOOK 4): the holder or the jeweler who filed
the claim, once, for a claim the rules denied; the adjuster queue lists it."""

import datetime as dt

import pytest
from claim_review_support import REASON, ask, decide, denied_claim, state_of
from factories import SYSTEM, cancel, file_claim, retailer_make, sell, store_make

from gemcare.claims.models import AWAITING_REVIEW, DENIED, Claim
from gemcare.claims.schemas import ReviewRequestIn
from gemcare.claims.selectors import (
    claim_escalation,
    claims_for_adjusters,
    claims_review_requested,
)
from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.contracts.selectors import contract_actions, refund_preview


def test_the_holder_asks_and_the_request_is_kept_and_audited(presets):
    contract, claim = denied_claim()
    holder = Caller.holder(contract.holder)

    with clock_set(dt.date(2024, 6, 12)):
        asked = ask(claim, caller=holder)

    asked.refresh_from_db()
    assert asked.review_requested_on == dt.date(2024, 6, 12)
    assert (asked.review_request_reason, asked.review_requested_by) == (REASON, holder.label)
    assert asked.review_open is True
    assert (asked.status, asked.decision, asked.approved) == (DENIED, "denied", 0)
    entry = AuditEntry.objects.get(action="claim_review_requested")
    assert (entry.entity_id, entry.actor_label, entry.retailer_id) == (
        str(claim.pk),
        holder.label,
        contract.retailer_id,
    )
    assert REASON not in str(entry.data)  # the reason stays on the claim


def test_the_retailer_that_filed_it_may_ask_and_so_may_its_store(presets):
    store = store_make()
    _contract, claim = denied_claim(store=store)
    asked = ask(claim, caller=Caller.retailer(store.retailer, store=store))

    assert asked.review_open and asked.review_requested_by == f"retailer:{store.retailer_id}"


@pytest.mark.parametrize("who", ["other_retailer", "other_store", "other_holder"])
def test_anyone_else_gets_not_found_and_nothing_changes(presets, who):
    store = store_make()
    contract, claim = denied_claim(store=store)
    caller = {
        "other_retailer": Caller.retailer(retailer_make()),
        "other_store": Caller.retailer(store.retailer, store=store_make(retailer=store.retailer)),
        "other_holder": Caller.holder(sell().holder),
    }[who]
    before = state_of(contract, claim)

    with pytest.raises(NotFound) as missing:
        ask(claim, caller=caller)

    assert missing.value.code == "claim_not_found"
    assert state_of(contract, claim) == before


def test_a_review_is_asked_for_once(presets):
    contract, claim = denied_claim()
    ask(claim)
    before = state_of(contract, claim)

    with pytest.raises(Refused) as refused:
        ask(claim, reason="again")

    assert refused.value.code == "review_already_requested"
    assert state_of(contract, claim) == before


def test_once_the_adjuster_decided_the_request_it_cannot_be_asked_again(presets):
    contract, claim = denied_claim()
    decide(ask(claim), note="theft is never covered")
    before = state_of(contract, claim)

    with pytest.raises(Refused) as refused:
        ask(claim)

    assert refused.value.code == "review_already_requested"
    assert state_of(contract, claim) == before


@pytest.mark.parametrize("how", ["approved", "awaiting_review", "returned", "adjuster_denied"])
def test_only_a_denial_by_the_rules_may_be_reviewed_on_request(presets, how):
    if how == "returned":  # a care plan within 30 days of the purchase
        contract = sell("care-jewelry-3yr", state="TX", price="600.00")
        claim = file_claim(
            contract, ("prong_repair", "85.00"), incident="2024-03-05", filed="2024-03-10"
        )
        assert claim.status == "returned_to_jeweler"
    elif how == "approved":
        contract = sell()
        claim = file_claim(contract, ("prong_repair", "85.00"))
    else:
        contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
        claim = file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")
        assert claim.status == AWAITING_REVIEW
        if how == "adjuster_denied":
            claim = decide(claim, deny=True, note="the stone was not lost")
    before = state_of(contract, claim)

    with pytest.raises(Refused) as refused:
        ask(claim)

    assert refused.value.code == "review_not_requestable"
    assert state_of(contract, claim) == before


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("x" * 1001, "must be at most 1000 characters"),
        ("bad\x00reason", "must not contain control characters"),
        (12, "must be text"),
    ],
)
def test_a_request_needs_a_reason_in_words(reason, message):
    with pytest.raises(InvalidInput) as invalid:
        validate_input(ReviewRequestIn, {"reason": reason})

    assert (invalid.value.field, invalid.value.message) == ("reason", message)


def test_the_request_needs_a_caller(presets):
    _, claim = denied_claim()

    with pytest.raises(TypeError):
        ask(claim, caller=None)


# --- the queue -------------------------------------------------------------------------------


def _claims_filed(days: list[str]) -> list[Claim]:
    """Denied claims filed on those days, each with a review asked for."""
    claims = []
    for day in days:
        _, claim = denied_claim()
        Claim.objects.filter(pk=claim.pk).update(filed_on=dt.date.fromisoformat(day))
        claims.append(ask(claim))
    return claims


def test_the_requests_list_oldest_first_by_keyset_and_only_open_ones(presets):
    late, early, middle, decided = _claims_filed(
        ["2024-06-20", "2024-06-10", "2024-06-15", "2024-06-01"]
    )
    decide(decided, note="upheld")

    first = claims_review_requested(caller=SYSTEM, limit=2)
    last = first[-1]
    second = claims_review_requested(caller=SYSTEM, after=(last.filed_on, last.pk), limit=2)

    assert [claim.pk for claim in first] == [early.pk, middle.pk]
    assert [claim.pk for claim in second] == [late.pk]


def test_the_requests_are_a_tenants_own(presets):
    store = store_make()
    _, ours = denied_claim(store=store)
    _, theirs = denied_claim()
    ask(ours), ask(theirs)

    assert claims_review_requested(caller=Caller.retailer(store.retailer)) == [ours]
    assert {claim.pk for claim in claims_review_requested(caller=SYSTEM)} == {ours.pk, theirs.pk}


def test_the_adjuster_queue_merges_reviews_and_requests_oldest_first(presets):
    (requested,) = _claims_filed(["2024-06-05"])
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
    waiting = file_claim(
        contract, ("stone_replacement", "1800.00"), cause="accidental_damage", filed="2024-06-01"
    )
    later = sell("care-jewelry-lifetime", state="TX", price="5000.00")
    last = file_claim(
        later, ("stone_replacement", "1900.00"), cause="accidental_damage", filed="2024-06-09"
    )

    queue = claims_for_adjusters(caller=SYSTEM, limit=2)
    rest = claims_for_adjusters(caller=SYSTEM, after=(queue[-1].filed_on, queue[-1].pk))

    assert [claim.pk for claim in queue] == [waiting.pk, requested.pk]
    assert [claim.pk for claim in rest] == [last.pk]
    assert claims_for_adjusters(caller=Caller.retailer(retailer_make())) == []


def test_an_open_request_counts_as_unpaid_for_the_60_day_flag(presets):
    (requested,) = _claims_filed(["2024-06-01"])
    day_61 = dt.date(2024, 8, 1)

    assert claim_escalation(requested, on=day_61).flagged is True
    assert claim_escalation(requested, on=dt.date(2024, 7, 31)).flagged is False
    decided = decide(requested, note="upheld")
    assert claim_escalation(decided, on=day_61).flagged is False


def test_the_queue_refuses_an_absurd_page():
    with pytest.raises(ValueError):
        claims_review_requested(caller=SYSTEM, limit=0)
    with pytest.raises(ValueError):
        claims_for_adjusters(caller=SYSTEM, limit=501)


# --- a review asked for holds a cancellation back ---------------------------------------------


def test_a_cancellation_waits_for_the_review_a_holder_asked_for(presets):
    contract, claim = denied_claim()
    ask(claim)
    before = state_of(contract, claim)

    with pytest.raises(Refused) as refusal:
        cancel(contract, date="2024-09-01")

    assert refusal.value.code == "claim_in_review"
    assert state_of(contract, claim) == before
    preview = refund_preview(caller=SYSTEM, number=contract.number, cancel_on=dt.date(2024, 9, 1))
    assert preview.claim_in_review is True
    assert "cancel" not in contract_actions(caller=SYSTEM, contract=contract, on=preview.cancel_on)

    # Once the adjuster has decided (here: the denial stands), the holder may cancel.
    decide(claim, deny=True, note="theft is never covered by the plan")
    assert (
        refund_preview(
            caller=SYSTEM, number=contract.number, cancel_on=dt.date(2024, 9, 1)
        ).claim_in_review
        is False
    )
    assert cancel(contract, date="2024-09-01").refund > 0

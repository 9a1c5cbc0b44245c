"""The adjuster's decision on a denial whose holder asked for a person, and the written
reason every denial or changed amount needs (RULEBOOK 4; docs/rule-interpretations.md)."""

import datetime as dt
from decimal import Decimal

import pytest
from claim_review_support import adjuster, ask, decide, denied_claim, state_of
from django.db import transaction
from factories import cancel, file_claim, fulfil, sell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemcare.claims.models import APPROVED, AWAITING_REVIEW, DENIED, FULFILLED, Claim
from gemcare.common.callers import Caller
from gemcare.common.errors import ApplicationError, InvalidInput, Refused
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import ACTIVE, EXHAUSTED, Contract
from gemcare.rules.adjudication import claims_value

NOTE = "The photos show a defective setting, not a theft."


def test_upholding_needs_a_reason_and_without_one_nothing_changes(presets):
    contract, claim = denied_claim()
    ask(claim)
    before = state_of(contract, claim)

    with pytest.raises(InvalidInput) as invalid:
        decide(claim)

    assert (invalid.value.field, invalid.value.code) == ("note", "review_reason_required")
    assert state_of(contract, claim) == before


@pytest.mark.parametrize("how", [{"deny": True}, {}, {"approved": "0.00"}])
def test_the_adjuster_upholds_the_denial_with_a_reason(presets, how):
    contract, claim = denied_claim()
    ask(claim)

    upheld = decide(claim, note="Theft is never covered by the plan.", **how)

    upheld.refresh_from_db()
    assert (upheld.status, upheld.decision, upheld.approved, upheld.review_open) == (
        DENIED,
        "denied",
        Decimal("0.00"),
        False,
    )
    assert upheld.review_requested_on is not None  # the request stays on record
    decision = upheld.decisions.last()
    assert (decision.source, decision.explanation) == (
        "adjuster",
        ["Theft is never covered by the plan."],
    )
    entry = AuditEntry.objects.get(action="claim_reviewed")
    assert entry.data == {
        "approved": "0.00",
        "requested_review": True,
        "note": "Theft is never covered by the plan.",
    }
    contract.refresh_from_db()
    assert contract.approved_total == Decimal("0.00")


def test_the_adjuster_approves_part_of_the_estimate(presets):
    contract, claim = denied_claim(cost="300.00")  # 400.00 estimated in all
    ask(claim)

    approved = decide(claim, approved="250.00", note=NOTE)

    assert (approved.status, approved.decision, approved.approved) == (
        APPROVED,
        "partially_approved",
        Decimal("250.00"),
    )
    assert (approved.holder_share, approved.remaining_limit, approved.fulfilment) == (
        Decimal("150.00"),
        Decimal("950.00"),
        "repair",
    )
    assert approved.review_open is False
    contract.refresh_from_db()
    assert (contract.status, contract.approved_total) == (ACTIVE, Decimal("250.00"))
    # The work may now be done and reimbursed, as on any approved claim.
    reimbursement = fulfil(approved, actual_cost="260.00", completed="2024-06-20")
    assert reimbursement.amount == Decimal("250.00")
    assert Claim.objects.get(pk=claim.pk).status == FULFILLED


def test_approving_the_whole_estimate_is_an_approval_without_a_reason_code(presets):
    _contract, claim = denied_claim(cost="300.00")
    ask(claim)

    approved = decide(claim, approved="400.00", note=NOTE)

    assert (approved.decision, approved.reason_code, approved.holder_share) == (
        "approved",
        "",
        Decimal("0.00"),
    )


@pytest.mark.parametrize(
    ("product", "price", "cost", "amount", "code"),
    [
        ("ljpp-lifetime", "1200.00", "300.00", "400.01", "above_estimate"),
        # 800.00 estimated on a 600.00 item: a replacement is worth the item's price.
        ("care-jewelry-3yr", "600.00", "700.00", "600.01", "above_estimate"),
    ],
)
def test_an_amount_above_the_estimate_or_the_price_is_refused(
    presets, product, price, cost, amount, code
):
    contract, claim = denied_claim(product=product, price=price, cost=cost, state="TX")
    ask(claim)
    before = state_of(contract, claim)

    with pytest.raises(InvalidInput) as invalid:
        decide(claim, approved=amount, note=NOTE)

    assert (invalid.value.field, invalid.value.code) == ("approved", code)
    assert state_of(contract, claim) == before


def test_the_aggregate_limit_bounds_the_amount_and_using_it_up_exhausts_the_plan(presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    file_claim(contract, ("prong_repair", "1000.00"))  # approved at once: 200.00 left
    claim = file_claim(contract, ("prong_repair", "400.00"), cause="theft")
    ask(claim)
    before = state_of(contract, claim)

    with pytest.raises(InvalidInput) as invalid:
        decide(claim, approved="200.01", note=NOTE)

    assert invalid.value.code == "above_remaining_limit"
    assert state_of(contract, claim) == before

    approved = decide(claim, approved="200.00", note=NOTE)

    assert approved.remaining_limit == Decimal("0.00")
    contract.refresh_from_db()
    assert (contract.status, contract.approved_total) == (EXHAUSTED, Decimal("1200.00"))
    event = contract.events.last()
    assert (event.kind, event.on, event.to_status) == (
        "limit_exhausted",
        contract.last_event_on,
        EXHAUSTED,
    )


def test_on_a_cancelled_plan_the_denial_may_be_upheld_but_nothing_approved(presets):
    # A review asked for holds a cancellation back; one asked for after it meets a plan
    # that is no longer active.
    contract, claim = denied_claim()
    cancel(contract, date="2024-07-01", by="holder")
    ask(claim)
    contract.refresh_from_db()
    before = state_of(contract, claim)

    with pytest.raises(Refused) as refused:
        decide(claim, approved="100.00", note=NOTE)

    assert refused.value.code == "contract_not_active"
    assert state_of(contract, claim) == before
    assert decide(claim, note="The plan was cancelled.").review_open is False


def test_a_denial_nobody_asked_about_is_not_the_adjusters_to_reopen(presets):
    contract, claim = denied_claim()
    before = state_of(contract, claim)

    with pytest.raises(Refused) as refused:
        decide(claim, approved="100.00", note=NOTE)

    assert refused.value.code == "claim_not_awaiting_review"
    assert state_of(contract, claim) == before


def test_a_decided_request_is_not_decided_again(presets):
    contract, claim = denied_claim()
    decide(ask(claim), approved="100.00", note=NOTE)
    before = state_of(contract, claim)

    with pytest.raises(Refused) as refused:
        decide(claim, approved="150.00", note=NOTE)

    assert refused.value.code == "claim_not_awaiting_review"
    assert state_of(contract, claim) == before


def test_only_the_providers_staff_decide_a_request(presets):
    contract, claim = denied_claim()
    ask(claim)
    before = state_of(contract, claim)

    for caller in (Caller.retailer(contract.retailer), Caller.holder(contract.holder)):
        with pytest.raises(Refused) as refused:
            decide(claim, caller=caller, approved="100.00", note=NOTE)
        assert refused.value.code == "review_not_allowed"
    assert state_of(contract, claim) == before


# --- the written reason on an ordinary review ------------------------------------------------


def big_claim():
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
    claim = file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")
    assert claim.status == AWAITING_REVIEW
    return contract, claim


@pytest.mark.parametrize("how", [{"deny": True}, {"approved": "1600.00"}, {"approved": "0.00"}])
def test_denying_or_changing_the_amount_without_a_reason_is_refused(presets, how):
    contract, claim = big_claim()
    before = state_of(contract, claim)

    with pytest.raises(InvalidInput) as invalid:
        decide(claim, note="", **how)

    assert (invalid.value.field, invalid.value.code) == ("note", "review_reason_required")
    assert state_of(contract, claim) == before


@pytest.mark.parametrize("how", [{}, {"approved": "1800.00"}])
def test_confirming_needs_no_reason(presets, how):
    _, claim = big_claim()

    assert decide(claim, **how).status == APPROVED


def test_a_reason_of_spaces_is_no_reason(presets):
    contract, claim = big_claim()
    before = state_of(contract, claim)

    with pytest.raises(InvalidInput):
        decide(claim, deny=True, note="   ")

    assert state_of(contract, claim) == before


# --- the property: whatever the reviews, the approved amounts never pass the limit -------------

PRICE = Decimal("1200.00")
cents = st.integers(min_value=0, max_value=200_000).map(lambda n: f"{Decimal(n) / 100:.2f}")
steps = st.lists(
    st.one_of(
        st.tuples(st.just("file"), st.sampled_from(["small", "big", "denied", "replace"]), cents),
        st.tuples(st.just("ask"), st.none(), st.none()),
        st.tuples(st.just("review"), st.sampled_from(["confirm", "deny", "amount"]), cents),
    ),
    min_size=1,
    max_size=14,
)


class Plan:
    def __init__(self) -> None:
        self.contract = sell("ljpp-lifetime", price=str(PRICE))
        self.adjuster = adjuster()

    def play(self, step) -> None:
        kind, how, amount = step
        before = state_of(self.contract, self.contract)
        try:
            getattr(self, f"_{kind}")(how, amount)
        except ApplicationError:
            assert state_of(self.contract, self.contract) == before, step

    def _file(self, how, amount):
        if how == "denied":
            file_claim(self.contract, ("prong_repair", amount), cause="theft")
        elif how == "replace":
            file_claim(self.contract, ("prong_repair", amount), repairable=False)
        elif how == "big":
            file_claim(self.contract, ("prong_repair", amount), ("shank_repair", amount))
        else:
            file_claim(self.contract, ("prong_repair", amount))

    def _ask(self, how, amount):
        claim = self._latest(status=DENIED, review_requested_on__isnull=True)
        if claim is not None:
            ask(claim)

    def _review(self, how, amount):
        claim = self._latest(status=AWAITING_REVIEW) or self._latest(review_open=True)
        if claim is None:
            return
        values = {"note": "reviewed"}
        if how == "deny":
            values["deny"] = True
        elif how == "amount":
            values["approved"] = amount
        decide(claim, caller=self.adjuster, **values)

    def _latest(self, **filters):
        return Claim.objects.filter(contract=self.contract, **filters).order_by("-pk").first()

    def check(self) -> None:
        contract = Contract.objects.get(pk=self.contract.pk)
        claims = list(Claim.objects.filter(contract=contract).values_list("status", "approved"))
        used = claims_value(claims)
        assert used == contract.approved_total
        assert Decimal("0.00") <= used <= PRICE
        assert (contract.status == EXHAUSTED) == (used == PRICE)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_approved_amounts_never_pass_the_limit_whatever_the_reviews(presets, sequence):
    with transaction.atomic():
        plan = Plan()
        for step in sequence:
            plan.play(step)
            plan.check()
        transaction.set_rollback(True)


def test_a_denial_filed_long_ago_is_decided_on_the_contracts_own_date_order(presets):
    """A review is not a dated event: deciding a request moves no date on the contract."""
    contract, claim = denied_claim()
    ask(claim)
    contract.refresh_from_db()
    last_event_on = contract.last_event_on

    decide(claim, approved="100.00", note=NOTE)

    contract.refresh_from_db()
    assert contract.last_event_on == last_event_on == dt.date(2024, 6, 10)


def test_the_request_emits_nothing_and_the_adjusters_decision_emits_claim_decided(presets):
    from gemcare.webhooks.models import WebhookDelivery
    from gemcare.webhooks.schemas import EndpointIn
    from gemcare.webhooks.services import endpoint_create

    contract, claim = denied_claim()
    retailer_caller = Caller.retailer(contract.retailer, label="api_key:1")
    endpoint_create(
        caller=retailer_caller,
        endpoint=validate_input(
            EndpointIn, {"url": "http://127.0.0.1:9/hook", "events": ["claim.decided"]}
        ),
        is_test=False,
    )

    ask(claim, caller=retailer_caller)
    assert WebhookDelivery.objects.count() == 0

    decide(claim, approved="120.00", note=NOTE)

    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event == "claim.decided"
    assert delivery.payload["data"]["status"] == "approved"
    assert delivery.payload["data"]["approved"] == "120.00"
    assert "Ada" not in str(delivery.payload) and NOTE not in str(delivery.payload)

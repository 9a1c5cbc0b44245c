"""Invariants of the rules over random inputs (hypothesis).

A refund is never negative nor above the plan price; on ljpp-lifetime an approval never passes
the remaining limit; a loss never pays more than the item's limit.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from gemcare.rules.adjudication import ClaimFacts, ClaimLine, ContractFacts, decide_claim
from gemcare.rules.insurance import (
    NEWLY_ACQUIRED_CAP,
    LossFacts,
    PolicyFacts,
    ScheduledItemFacts,
    policy_period_end,
    settle_loss,
)
from gemcare.rules.presets import PLAN_PRESETS
from gemcare.rules.products import plan_terms_from_definition
from gemcare.rules.refunds import CancellationFacts, plan_refund
from gemcare.rules.vocabulary import CAUSES, COVERED_PERILS, PERILS, SERVICES, WEAR_AND_TEAR_REPAIRS

PROPERTY = settings(max_examples=200, deadline=None)
PRODUCTS = ["care-jewelry-lifetime", "care-jewelry-3yr", "care-watch-3yr", "ljpp-lifetime"]
STATES = ["AL", "AZ", "CA", "FL", "GA", "NV", "OK", "TX", "NY", "WI"]
JEWELRY = ["ring", "bracelet", "necklace", "earrings"]
# Built once here rather than through the `terms` fixture: strategies run outside fixtures.
LJPP_EVERY_KIND = ["prong_repair", "stone_tightening", "rhodium_plating", "refinish_polish"]
TERMS = {code: plan_terms_from_definition(code, 1, PLAN_PRESETS[code]) for code in PRODUCTS}


def cents(low: str, high: str):
    return st.integers(int(Decimal(low) * 100), int(Decimal(high) * 100)).map(
        lambda n: Decimal(n).scaleb(-2)
    )


dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


# --- refunds --------------------------------------------------------------------------------


@st.composite
def cancellations(draw):
    code = draw(st.sampled_from(PRODUCTS))
    terms = TERMS[code]
    price = draw(st.sampled_from(terms.price_bands)).price
    purchased = draw(dates)
    cancel_on = purchased + dt.timedelta(days=draw(st.integers(0, 8 * 366)))
    claims_filed = draw(st.integers(0, 3))
    services = draw(cents("0", "3000")) if claims_filed else Decimal("0.00")
    by = draw(st.sampled_from(["holder", "provider"]))
    if by == "holder":
        reason = draw(st.sampled_from([None, "holder_request", "duplicate_warranty"]))
    else:
        reason = draw(st.sampled_from(["non_payment", "fraud", "misrepresentation"]))
    return CancellationFacts(
        terms=terms,
        state=draw(st.sampled_from(STATES)),
        plan_price=price,
        purchased_on=purchased,
        cancel_on=cancel_on,
        by=by,
        reason=reason,
        services_received=services,
        claims_filed=claims_filed,
    )


@PROPERTY
@given(cancellations())
def test_refund_is_between_zero_and_the_plan_price(facts):
    decision = plan_refund(facts)

    assert Decimal("0.00") <= decision.refund <= facts.plan_price
    assert decision.refund.as_tuple().exponent == -2
    assert 0 <= decision.days_left <= decision.days_total or decision.days_total == 0


# --- ljpp aggregate limit -------------------------------------------------------------------


@st.composite
def ljpp_claims(draw):
    terms = TERMS["ljpp-lifetime"]
    kind = draw(st.sampled_from(JEWELRY))
    price = draw(cents("25.00", "9999.99"))
    approved_before = draw(cents("0", str(price)))
    purchased = draw(dates)
    incident = purchased + dt.timedelta(days=draw(st.integers(-30, 20 * 365)))
    filed = incident + dt.timedelta(days=draw(st.integers(0, 90)))
    lines = draw(
        st.lists(
            st.builds(
                ClaimLine,
                service=st.sampled_from(LJPP_EVERY_KIND) | st.sampled_from(sorted(SERVICES)),
                estimated_cost=cents("0.01", "400") | cents("0.01", "12000"),
                sizes=st.none() | st.integers(1, 4),
            ),
            min_size=1,
            max_size=4,
        )
    )
    contract = ContractFacts(
        terms=terms,
        status="active",
        item_kind=kind,
        item_price=price,
        purchased_on=purchased,
        approved_before=approved_before,
    )
    claim = ClaimFacts(
        incident_on=incident,
        filed_on=filed,
        cause=draw(
            st.sampled_from(["wear_and_tear", "manufacturing_defect"])
            | st.sampled_from(sorted(CAUSES))
        ),
        lines=tuple(lines),
        repairable=draw(st.booleans()),
    )
    return contract, claim


@PROPERTY
@given(ljpp_claims())
def test_ljpp_approval_never_passes_the_remaining_limit(case):
    contract, claim = case
    before = contract.item_price - contract.approved_before

    decision = decide_claim(contract, claim)

    assert Decimal("0.00") <= decision.approved <= before
    assert decision.remaining_limit == before - decision.approved
    assert decision.remaining_limit >= Decimal("0.00")
    assert decision.holder_share >= Decimal("0.00")
    if decision.fulfilment == "repair":
        assert sum(line.approved for line in decision.lines) == decision.approved


# --- losses ---------------------------------------------------------------------------------


@st.composite
def losses(draw):
    start = draw(dates)
    end = policy_period_end(start)
    limit = draw(cents("1.00", "50000"))
    newly_acquired = draw(st.booleans())
    any_total = cents("0", "100000") | cents("8000", "80000")
    total = draw(any_total) if newly_acquired else limit + draw(cents("0", "50000"))
    peril = draw(st.sampled_from(sorted(COVERED_PERILS)) | st.sampled_from(sorted(PERILS)))
    loss_on = start + dt.timedelta(days=draw(st.integers(-10, 375)))
    others = draw(st.booleans())  # other payers, other insurance or a pair/set amount
    loss = LossFacts(
        loss_on=loss_on,
        peril=peril,
        cost=draw(cents("0", "60000")),
        repair=draw(st.none() | st.sampled_from(sorted(WEAR_AND_TEAR_REPAIRS | {"ring_sizing"}))),
        service_plan_due=draw(cents("0", "5000")) if others else Decimal("0.00"),
        paid_by_others=draw(cents("0", "5000")) if others else Decimal("0.00"),
        other_insurance_limits=draw(cents("0", "50000")) if others else Decimal("0.00"),
        pair_set_amount=draw(st.none() | cents("0", "60000")) if others else None,
        newly_acquired_on=(
            loss_on - dt.timedelta(days=draw(st.integers(0, 40))) if newly_acquired else None
        ),
    )
    policy = PolicyFacts(
        start=start,
        end=end,
        deductible=draw(st.sampled_from(["0", "100", "250", "500", "1000"]).map(Decimal)),
        total_scheduled_limits=total,
    )
    item = None if newly_acquired else ScheduledItemFacts(limit, draw(cents("0", "2000")))
    return policy, loss, item


@PROPERTY
@given(losses())
def test_payout_is_between_zero_and_the_limit(case):
    policy, loss, item = case

    settlement = settle_loss(policy, loss, item)

    if item is not None:
        ceiling = item.limit
    else:
        # The cap (25% of the scheduled limits) may have a fraction of a cent; the payout is
        # rounded once, half-up, at the end.
        cap = min(policy.total_scheduled_limits * Decimal("0.25"), NEWLY_ACQUIRED_CAP)
        ceiling = cap.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal("0.00") <= settlement.payout <= ceiling
    assert settlement.payout.as_tuple().exponent == -2
    if item is not None:
        assert Decimal("0.00") <= settlement.refund <= item.premium
    if not settlement.covered:
        assert settlement.payout == Decimal("0.00")

"""Cancelling a plan: refunds and the late penalty (RULEBOOK §5 and §5.1).

Expected amounts are worked by hand from the rulebook; each says how.
A plan bought 2024-03-01: its 3-year proration term ends 2027-03-01 (1095 days), its
5-year proration term (lifetime products) ends 2029-03-01 (1826 days).
"""

import datetime as dt
from decimal import Decimal

import pytest

from gemcare.rules.errors import RuleRefusal
from gemcare.rules.refunds import CancellationFacts, late_penalty, plan_refund

PURCHASED = dt.date(2024, 3, 1)
ONE_YEAR_ON = dt.date(2025, 3, 1)
LJPP = "ljpp-lifetime"


def cancel(
    terms,
    *,
    price="179.00",
    state="TX",
    on=ONE_YEAR_ON,
    by="holder",
    reason=None,
    services="0.00",
    claims=0,
    notice=None,
    purchased=PURCHASED,
    picked_up=True,
):
    if by == "provider" and reason is None:
        reason = "non_payment"
    return plan_refund(
        CancellationFacts(
            terms=terms,
            state=state,
            plan_price=Decimal(price),
            purchased_on=purchased,
            cancel_on=on,
            by=by,
            reason=reason,
            services_received=Decimal(services),
            claims_filed=claims,
            notice_on=notice,
            picked_up=picked_up,
        )
    )


def day(n: int) -> dt.date:
    """The date n days after the plan's purchase."""
    return PURCHASED + dt.timedelta(days=n)


# --- base rule ------------------------------------------------------------------------------


def test_three_year_plan_prorates_over_three_years(terms):
    # 99.00 x 730 / 1095 = 66.00, minus 20.00 of services
    decision = cancel(terms("care-jewelry-3yr"), price="99.00", services="20.00")

    assert decision.refund == Decimal("46.00")
    assert decision.status == "cancelled"
    assert decision.days_left == 730
    assert decision.days_total == 1095
    assert decision.unearned == Decimal("66.00")
    words = " ".join(reason.words for reason in decision.reasons)
    assert "730 of 1095 days remain of the 3-year refund term" in words
    assert "($20.00) are deducted" in words


def test_lifetime_plan_prorates_over_five_years(terms):
    # 149.00 x 1461 / 1826 = 119.2163... -> 119.22
    decision = cancel(terms("care-jewelry-lifetime"), price="149.00")

    assert decision.refund == Decimal("119.22")
    assert decision.days_left == 1461
    assert decision.days_total == 1826


@pytest.mark.parametrize("on", [day(5), ONE_YEAR_ON, dt.date(2026, 12, 1)])
def test_duplicate_warranty_refunds_the_full_price(terms, on):
    decision = cancel(
        terms("care-jewelry-3yr"),
        price="99.00",
        on=on,
        reason="duplicate_warranty",
        services="50.00",
    )

    assert decision.refund == Decimal("99.00")
    assert decision.status == "cancelled"
    assert decision.reasons[0].code == "duplicate_warranty"
    assert "$99.00" in decision.reasons[0].words


def test_duplicate_warranty_in_the_free_look_voids(terms):
    decision = cancel(
        terms("care-jewelry-3yr"), price="99.00", on=day(5), reason="duplicate_warranty"
    )

    assert decision.refund == Decimal("99.00")
    assert decision.status == "voided"


@pytest.mark.parametrize("state", ["AL", "AZ", "CA", "FL", "GA", "NV", "OK", "TX"])
def test_duplicate_warranty_is_full_in_every_state(terms, state):
    decision = cancel(
        terms(LJPP), state=state, reason="duplicate_warranty", services="85.00", claims=1
    )

    assert decision.refund == Decimal("179.00")


def test_free_look_day_30_voids_with_a_full_refund(terms):
    decision = cancel(terms("care-jewelry-3yr"), price="99.00", on=day(30))

    assert decision.refund == Decimal("99.00")
    assert decision.status == "voided"
    assert decision.reasons[0].code == "free_look"
    assert "within 30 days" in decision.reasons[0].words


def test_free_look_is_over_on_day_31(terms):
    # 99.00 x 1064 / 1095 = 96.1972... -> 96.20
    decision = cancel(terms("care-jewelry-3yr"), price="99.00", on=day(31))

    assert decision.refund == Decimal("96.20")
    assert decision.status == "cancelled"
    assert decision.days_left == 1064


def test_free_look_with_services_received_is_prorated(terms):
    # 99.00 x 1085 / 1095 = 98.0958..., minus 40.00 = 58.0958... -> 58.10
    decision = cancel(
        terms("care-jewelry-3yr"), price="99.00", on=day(10), services="40.00", claims=1
    )

    assert decision.refund == Decimal("58.10")
    assert decision.status == "cancelled"


@pytest.mark.parametrize(
    ("code", "on"),
    [
        ("care-jewelry-3yr", dt.date(2027, 3, 1)),
        ("care-jewelry-3yr", dt.date(2028, 1, 1)),
        ("care-jewelry-lifetime", dt.date(2029, 3, 1)),
        ("care-jewelry-lifetime", dt.date(2031, 6, 1)),
        (LJPP, dt.date(2032, 1, 1)),
    ],
)
def test_days_left_never_below_zero(terms, code, on):
    decision = cancel(terms(code), price="99.00", on=on)

    assert decision.days_left == 0
    assert decision.refund == Decimal("0.00")


def test_refund_never_below_zero(terms):
    decision = cancel(terms("care-jewelry-3yr"), price="99.00", services="500.00")

    assert decision.refund == Decimal("0.00")
    assert decision.unearned == Decimal("66.00")


# --- §5.1 state variations (ljpp-lifetime), one year on, 85.00 of services -----------------
# unearned = 179.00 x 1461 / 1826 = 143.2196...

HOLDER_ONE_YEAR_ON = {
    "AL": "143.22",  # services not deducted
    "AZ": "143.22",
    "NV": "143.22",
    "CA": "58.22",  # 143.2196 - 85
    "FL": "58.22",
    "GA": "128.90",  # 143.2196 x 0.9, services not deducted
    "OK": "43.90",  # 143.2196 x 0.9 - 85 (the RULEBOOK example)
    "TX": "58.22",  # no variation: the base rule
}
PROVIDER_ONE_YEAR_ON = {
    "AL": "143.22",  # applies to both
    "AZ": "143.22",
    "NV": "143.22",
    "FL": "58.22",
    "CA": "58.22",  # holder-only rows: the base rule
    "GA": "58.22",
    "OK": "58.22",
    "TX": "58.22",
}


@pytest.mark.parametrize(("state", "refund"), list(HOLDER_ONE_YEAR_ON.items()))
def test_state_table_for_the_holder(terms, state, refund):
    decision = cancel(terms(LJPP), state=state, services="85.00", claims=1)

    assert decision.refund == Decimal(refund)
    assert decision.status == "cancelled"


@pytest.mark.parametrize(("state", "refund"), list(PROVIDER_ONE_YEAR_ON.items()))
def test_state_table_for_the_provider(terms, state, refund):
    decision = cancel(terms(LJPP), state=state, by="provider", services="85.00", claims=1)

    assert decision.refund == Decimal(refund)
    assert decision.unearned_factor == Decimal("1")
    assert decision.status == "cancelled"


def test_the_rulebook_example_oklahoma(terms):
    decision = cancel(terms(LJPP), state="OK", services="85.00", claims=1)

    assert decision.refund == Decimal("43.90")
    assert decision.days_left == 1461
    assert decision.days_total == 1826
    assert decision.unearned_factor == Decimal("0.9")
    assert decision.unearned == Decimal("128.90")
    words = " ".join(reason.words for reason in decision.reasons)
    assert "OK refunds 90% of the unearned amount: $128.90." in words
    assert "($85.00) are deducted" in words


def test_georgia_says_services_are_not_deducted(terms):
    decision = cancel(terms(LJPP), state="GA", services="85.00", claims=1)

    assert decision.services_deducted == Decimal("0.00")
    assert "In GA, services received are not deducted." in [r.words for r in decision.reasons]


@pytest.mark.parametrize("state", ["AL", "AZ", "NV", "TX"])
def test_thirty_day_free_look_states(terms, state):
    on_day_30 = cancel(terms(LJPP), state=state, on=day(30))
    on_day_31 = cancel(terms(LJPP), state=state, on=day(31))

    assert (on_day_30.refund, on_day_30.status) == (Decimal("179.00"), "voided")
    # 179.00 x 1795 / 1826 = 175.9611... -> 175.96
    assert (on_day_31.refund, on_day_31.status) == (Decimal("175.96"), "cancelled")


@pytest.mark.parametrize("state", ["AL", "AZ", "NV"])
def test_free_look_with_services_in_a_no_deduction_state(terms, state):
    # 179.00 x 1816 / 1826 = 178.0197... -> 178.02, services not deducted
    decision = cancel(terms(LJPP), state=state, on=day(10), services="85.00", claims=1)

    assert decision.refund == Decimal("178.02")
    assert decision.status == "cancelled"


@pytest.mark.parametrize(
    ("state", "refund"),
    [
        ("FL", "178.02"),  # 179.00 x 1816 / 1826
        ("GA", "160.22"),  # ... x 0.9
        ("OK", "160.22"),
    ],
)
def test_states_without_a_free_look(terms, state, refund):
    decision = cancel(terms(LJPP), state=state, on=day(10))

    assert decision.refund == Decimal(refund)
    assert decision.status == "cancelled"


def test_california_free_look_is_60_days(terms):
    on_day_60 = cancel(terms(LJPP), state="CA", on=day(60))
    on_day_61 = cancel(terms(LJPP), state="CA", on=day(61))

    assert (on_day_60.refund, on_day_60.status) == (Decimal("179.00"), "voided")
    assert "within 60 days" in on_day_60.reasons[0].words
    # 179.00 x 1765 / 1826 = 173.0202... -> 173.02
    assert (on_day_61.refund, on_day_61.status) == (Decimal("173.02"), "cancelled")


def test_a_denied_claim_removes_the_california_free_look(terms):
    # 179.00 x 1816 / 1826 = 178.0197... -> 178.02 (no services: the claim was denied)
    decision = cancel(terms(LJPP), state="CA", on=day(10), claims=1)

    assert decision.refund == Decimal("178.02")
    assert decision.status == "cancelled"


def test_a_denied_claim_keeps_the_base_free_look(terms):
    decision = cancel(terms(LJPP), state="TX", on=day(10), claims=1)

    assert decision.refund == Decimal("179.00")
    assert decision.status == "voided"


# --- provider cancellations -----------------------------------------------------------------


@pytest.mark.parametrize("reason", ["non_payment", "fraud", "misrepresentation"])
def test_provider_reasons_allowed(terms, reason):
    decision = cancel(terms(LJPP), by="provider", reason=reason)

    assert decision.refund == Decimal("143.22")  # 179.00 x 1461 / 1826


@pytest.mark.parametrize("reason", [None, "holder_request", "duplicate_warranty", "moved"])
def test_provider_reason_not_allowed(terms, reason):
    facts = CancellationFacts(
        terms=terms(LJPP),
        state="TX",
        plan_price=Decimal("179.00"),
        purchased_on=PURCHASED,
        cancel_on=ONE_YEAR_ON,
        by="provider",
        reason=reason,
    )

    with pytest.raises(RuleRefusal) as refused:
        plan_refund(facts)

    assert refused.value.code == "cancellation_reason_not_allowed"


def test_provider_notice_of_29_days_is_too_short(terms):
    with pytest.raises(RuleRefusal) as refused:
        cancel(terms(LJPP), by="provider", notice=ONE_YEAR_ON - dt.timedelta(days=29))

    assert refused.value.code == "notice_too_short"


def test_provider_notice_of_30_days_is_enough(terms):
    decision = cancel(terms(LJPP), by="provider", notice=ONE_YEAR_ON - dt.timedelta(days=30))

    assert decision.refund == Decimal("143.22")


@pytest.mark.parametrize(
    ("code", "state"), [("care-jewelry-3yr", "TX"), (LJPP, "AL"), (LJPP, "CA")]
)
def test_provider_never_gets_the_free_look(terms, code, state):
    decision = cancel(terms(code), price="99.00", state=state, on=day(5), by="provider")

    assert decision.status == "cancelled"
    assert decision.refund < Decimal("99.00")


# --- late penalty ---------------------------------------------------------------------------

DUE = dt.date(2025, 3, 31)  # 30 days after a cancellation on 2025-03-01


@pytest.mark.parametrize(
    ("days_late", "periods", "penalty"),
    [
        (0, 0, "0.00"),
        (1, 1, "4.39"),  # 10% of 43.90
        (30, 1, "4.39"),
        (31, 2, "8.78"),
        (60, 2, "8.78"),
        (61, 3, "13.17"),
    ],
)
def test_late_penalty_per_started_30_days(days_late, periods, penalty):
    result = late_penalty(
        Decimal("43.90"), cancel_on=ONE_YEAR_ON, paid_on=DUE + dt.timedelta(days=days_late)
    )

    assert result.due_on == DUE
    assert result.days_late == days_late
    assert result.periods == periods
    assert result.penalty == Decimal(penalty)


def test_late_penalty_words():
    result = late_penalty(Decimal("43.90"), cancel_on=ONE_YEAR_ON, paid_on=dt.date(2025, 5, 31))

    assert result.reason.words == (
        "The refund was due on 2025-03-31 and paid 61 days late: 30% is added ($13.17)."
    )


@pytest.mark.parametrize("paid_on", [dt.date(2025, 3, 2), dt.date(2025, 3, 30), None])
def test_no_penalty_when_paid_early_or_without_a_payment_date(paid_on):
    result = late_penalty(Decimal("43.90"), cancel_on=ONE_YEAR_ON, paid_on=paid_on)

    assert result.penalty == Decimal("0.00")
    assert result.days_late == 0
    assert result.reason is None


def test_late_penalty_rounds_half_up():
    # 10% of 0.05 = 0.005 -> 0.01
    result = late_penalty(Decimal("0.05"), cancel_on=ONE_YEAR_ON, paid_on=DUE + dt.timedelta(1))

    assert result.penalty == Decimal("0.01")


# --- layaway, and the state rule named -------------------------------------------------------


@pytest.mark.parametrize("state", ["TX", "CA", "GA", "OK"])
def test_a_plan_cancelled_before_pickup_is_void_with_a_full_refund(terms, state):
    # Four years on, with a claim filed and services received: none of it counts, the plan
    # never covered the item.
    decision = cancel(
        terms(LJPP), state=state, on=day(1500), services="85.00", claims=1, picked_up=False
    )
    assert (decision.status, decision.refund, decision.unearned) == (
        "voided",
        Decimal("179.00"),
        Decimal("179.00"),
    )
    assert [reason.code for reason in decision.reasons] == ["before_pickup"]
    assert decision.state_rule is None


def test_the_provider_still_needs_its_reason_before_pickup(terms):
    with pytest.raises(RuleRefusal) as refused:
        cancel(terms(LJPP), by="provider", reason="holder_request", picked_up=False)
    assert refused.value.code == "cancellation_reason_not_allowed"


@pytest.mark.parametrize(
    ("state", "by", "named"),
    [
        ("GA", "holder", "GA"),
        ("GA", "provider", None),
        ("FL", "provider", "FL"),
        ("TX", "holder", None),
    ],
)
def test_the_decision_names_the_state_whose_rule_applied(terms, state, by, named):
    assert cancel(terms(LJPP), state=state, by=by).state_rule == named


@pytest.mark.parametrize(("days_late", "percent"), [(0, 0), (1, 10), (30, 10), (31, 20), (61, 30)])
def test_the_late_penalty_says_its_percent(days_late, percent):
    due = ONE_YEAR_ON + dt.timedelta(days=30)
    penalty = late_penalty(
        Decimal("100.00"), cancel_on=ONE_YEAR_ON, paid_on=due + dt.timedelta(days=days_late)
    )
    assert penalty.percent == percent
    assert penalty.penalty == Decimal(percent)

"""Claims on plans (RULEBOOK §4, rule-interpretations "Claims")."""

import datetime as dt
from decimal import Decimal

import pytest

from gemcare.rules.adjudication import (
    CLOSED_STATUSES,
    ClaimFacts,
    ClaimLine,
    ContractFacts,
    decide_claim,
)

PURCHASED = dt.date(2024, 3, 1)
INCIDENT = dt.date(2024, 6, 1)
FILED = dt.date(2024, 6, 10)  # 101 days after purchase: past the return-to-jeweler window
CARE = "care-jewelry-3yr"
LJPP = "ljpp-lifetime"
WATCH = "care-watch-3yr"
NEVER_COVERED = [
    "loss",
    "theft",
    "mysterious_disappearance",
    "abuse",
    "unauthorized_alteration",
    "act_of_god",
]


def contract(
    terms,
    *,
    status="active",
    kind="ring",
    price="1200.00",
    purchased=PURCHASED,
    water_resistant=False,
    approved_before="0.00",
) -> ContractFacts:
    return ContractFacts(
        terms=terms,
        status=status,
        item_kind=kind,
        item_price=Decimal(price),
        purchased_on=purchased,
        water_resistant=water_resistant,
        approved_before=Decimal(approved_before),
    )


def line(service="prong_repair", cost="85.00", sizes=None) -> ClaimLine:
    return ClaimLine(service, Decimal(cost), sizes)


def claim(
    *lines,
    incident=INCIDENT,
    filed=None,
    cause="wear_and_tear",
    repairable=True,
    maintenance_done=True,
) -> ClaimFacts:
    return ClaimFacts(
        incident_on=incident,
        filed_on=filed or max(incident, FILED),
        cause=cause,
        lines=tuple(lines) or (line(),),
        repairable=repairable,
        maintenance_done=maintenance_done,
    )


def assert_refused(decision, decision_kind, code, estimated_total):
    assert decision.decision == decision_kind
    assert decision.reason_code == code
    assert decision.approved == Decimal("0.00")
    assert decision.holder_share == Decimal(estimated_total)
    assert decision.fulfilment is None
    assert decision.needs_review is False


# --- the six checks, in order -------------------------------------------------------------


def test_a_plain_claim_is_approved(terms):
    decision = decide_claim(contract(terms(CARE)), claim(line("prong_repair", "85.00")))

    assert decision.decision == "approved"
    assert decision.reason_code is None
    assert decision.approved == Decimal("85.00")
    assert decision.holder_share == Decimal("0.00")
    assert decision.remaining_limit is None
    assert decision.fulfilment == "repair"
    assert decision.needs_review is False
    assert [(r.service, r.result, r.approved) for r in decision.lines] == [
        ("prong_repair", "approved", Decimal("85.00"))
    ]
    assert decision.explanation == ["prong repair is covered: $85.00 approved."]


@pytest.mark.parametrize("status", sorted(CLOSED_STATUSES))
def test_every_closed_status_is_not_active(terms, status):
    decision = decide_claim(contract(terms(CARE), status=status), claim(line(cost="85.00")))

    assert_refused(decision, "denied", "contract_not_active", "85.00")
    assert decision.lines == ()
    assert status in decision.reason.words


def test_the_closed_statuses_are_the_rulebooks():
    assert {"voided", "cancelled", "exhausted", "replaced"} == CLOSED_STATUSES


def test_check_1_decides_before_preexisting(terms):
    cancelled = contract(terms(LJPP), status="cancelled")

    decision = decide_claim(cancelled, claim(incident=dt.date(2024, 1, 1)))

    assert decision.reason_code == "contract_not_active"
    assert decision.reason.words == "The plan is cancelled, so it no longer covers claims."


def test_check_2_decides_before_expired(terms):
    expired = contract(terms(CARE), status="expired")

    decision = decide_claim(expired, claim(incident=dt.date(2024, 2, 1)))

    assert decision.reason_code == "preexisting"


def test_check_3_decides_before_return_to_jeweler(terms):
    expired = contract(terms(CARE), status="expired")

    decision = decide_claim(expired, claim(incident=PURCHASED, filed=dt.date(2024, 3, 5)))

    assert_refused(decision, "denied", "expired", "85.00")


def test_check_4_decides_before_cause(terms):
    decision = decide_claim(
        contract(terms(CARE)), claim(incident=PURCHASED, filed=dt.date(2024, 3, 5), cause="theft")
    )

    assert_refused(decision, "return_to_jeweler", "return_to_jeweler", "85.00")


def test_check_5_decides_before_maintenance(terms):
    decision = decide_claim(
        contract(terms(WATCH), kind="watch"),
        claim(line("watch_crystal"), cause="theft", maintenance_done=False),
    )

    assert decision.reason_code == "cause_not_covered"


def test_check_6_decides_before_the_lines(terms):
    decision = decide_claim(
        contract(terms(WATCH), kind="watch"),
        claim(line("prong_repair"), maintenance_done=False),
    )

    assert_refused(decision, "denied", "maintenance_not_performed", "85.00")
    assert decision.lines == ()


# --- check 2: preexisting -------------------------------------------------------------------


@pytest.mark.parametrize("code", [CARE, LJPP])
def test_incident_on_the_purchase_date_is_covered(terms, code):
    decision = decide_claim(contract(terms(code)), claim(incident=PURCHASED))

    assert decision.decision == "approved"


@pytest.mark.parametrize("code", [CARE, LJPP])
def test_incident_the_day_before_purchase_is_preexisting(terms, code):
    decision = decide_claim(contract(terms(code)), claim(incident=dt.date(2024, 2, 29)))

    assert_refused(decision, "denied", "preexisting", "85.00")
    assert "2024-02-29" in decision.reason.words
    assert "2024-03-01" in decision.reason.words


# --- check 3: the term ----------------------------------------------------------------------


@pytest.mark.parametrize("code", [CARE, WATCH])
def test_three_year_term_covers_the_day_before_the_third_anniversary(terms, code):
    kind = "watch" if code == WATCH else "ring"
    service = "watch_crystal" if code == WATCH else "prong_repair"

    decision = decide_claim(
        contract(terms(code), kind=kind), claim(line(service), incident=dt.date(2027, 2, 28))
    )

    assert decision.decision == "approved"


@pytest.mark.parametrize("code", [CARE, WATCH])
def test_three_year_term_ends_on_the_third_anniversary(terms, code):
    kind = "watch" if code == WATCH else "ring"
    service = "watch_crystal" if code == WATCH else "prong_repair"

    decision = decide_claim(
        contract(terms(code), kind=kind), claim(line(service), incident=dt.date(2027, 3, 1))
    )

    assert_refused(decision, "denied", "expired", "85.00")
    assert "2027-03-01" in decision.reason.words


def test_a_plan_bought_on_29_february_ends_on_28_february(terms):
    leap = contract(terms(CARE), purchased=dt.date(2024, 2, 29))

    assert leap.term_end == dt.date(2027, 2, 28)
    before = decide_claim(leap, claim(incident=dt.date(2027, 2, 27)))
    on_end = decide_claim(leap, claim(incident=dt.date(2027, 2, 28)))
    assert before.decision == "approved"
    assert on_end.reason_code == "expired"
    assert "2027-02-28" in on_end.reason.words


@pytest.mark.parametrize("code", ["care-jewelry-lifetime", LJPP])
def test_lifetime_plans_do_not_expire(terms, code):
    decision = decide_claim(contract(terms(code)), claim(incident=dt.date(2064, 3, 1)))

    assert decision.decision == "approved"


def test_a_lifetime_plan_marked_expired_is_expired(terms):
    decision = decide_claim(contract(terms(LJPP), status="expired"), claim())

    assert decision.reason_code == "expired"


# --- check 4: return to jeweler -------------------------------------------------------------


@pytest.mark.parametrize("code", ["care-jewelry-lifetime", CARE, WATCH])
def test_filed_on_day_30_goes_back_to_the_jeweler(terms, code):
    kind = "watch" if code == WATCH else "ring"
    service = "watch_crystal" if code == WATCH else "prong_repair"

    decision = decide_claim(
        contract(terms(code), kind=kind),
        claim(line(service, "85.00"), incident=PURCHASED, filed=dt.date(2024, 3, 31)),
    )

    assert_refused(decision, "return_to_jeweler", "return_to_jeweler", "85.00")
    assert decision.remaining_limit is None
    assert "30 days" in decision.reason.words
    assert "2024-03-01" in decision.reason.words


@pytest.mark.parametrize("code", ["care-jewelry-lifetime", CARE, WATCH])
def test_filed_on_day_31_is_decided_on_the_plan(terms, code):
    kind = "watch" if code == WATCH else "ring"
    service = "watch_crystal" if code == WATCH else "prong_repair"

    decision = decide_claim(
        contract(terms(code), kind=kind),
        claim(line(service), incident=PURCHASED, filed=dt.date(2024, 4, 1)),
    )

    assert decision.decision == "approved"


def test_ljpp_has_no_return_to_jeweler(terms):
    decision = decide_claim(
        contract(terms(LJPP)), claim(incident=PURCHASED, filed=dt.date(2024, 3, 2))
    )

    assert decision.decision == "approved"
    assert decision.approved == Decimal("85.00")


# --- check 5: causes ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["care-jewelry-lifetime", CARE, WATCH, LJPP])
@pytest.mark.parametrize("cause", NEVER_COVERED)
def test_never_covered_causes(terms, code, cause):
    kind = "watch" if code == WATCH else "ring"

    decision = decide_claim(contract(terms(code), kind=kind), claim(cause=cause))

    assert_refused(decision, "denied", "cause_not_covered", "85.00")
    assert cause.replace("_", " ") in decision.reason.words


def test_accidental_damage_is_not_covered_on_ljpp(terms):
    decision = decide_claim(contract(terms(LJPP)), claim(cause="accidental_damage"))

    assert_refused(decision, "denied", "cause_not_covered", "85.00")
    assert (
        decision.reason.words == "Damage caused by accidental damage is not covered by this plan."
    )
    assert decision.remaining_limit == Decimal("1200.00")


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (CARE, "accidental_damage"),
        (CARE, "manufacturing_defect"),
        (CARE, "wear_and_tear"),
        (LJPP, "manufacturing_defect"),
        (LJPP, "wear_and_tear"),
    ],
)
def test_covered_causes(terms, code, cause):
    assert decide_claim(contract(terms(code)), claim(cause=cause)).decision == "approved"


# --- check 6: watch maintenance -------------------------------------------------------------


def test_watch_maintenance_not_done_is_denied(terms):
    decision = decide_claim(
        contract(terms(WATCH), kind="watch"),
        claim(line("watch_movement", "300.00"), maintenance_done=False),
    )

    assert_refused(decision, "denied", "maintenance_not_performed", "300.00")
    assert "maintenance" in decision.reason.words


def test_watch_maintenance_done_is_approved(terms):
    decision = decide_claim(
        contract(terms(WATCH), kind="watch"), claim(line("watch_movement", "300.00"))
    )

    assert decision.decision == "approved"
    assert decision.approved == Decimal("300.00")


def test_jewelry_plans_do_not_ask_for_maintenance(terms):
    decision = decide_claim(contract(terms(CARE)), claim(maintenance_done=False))

    assert decision.decision == "approved"


# --- line rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "service"),
    [
        (CARE, "ring", "hinge_pin"),
        (CARE, "earrings", "ring_sizing"),
        (CARE, "ring", "watch_battery"),
        (LJPP, "ring", "stone_replacement"),
        (LJPP, "ring", "chain_repair"),
        (LJPP, "necklace", "ring_sizing"),
        (WATCH, "watch", "prong_repair"),
    ],
)
def test_a_service_not_covered_for_the_kind(terms, code, kind, service):
    decision = decide_claim(contract(terms(code), kind=kind), claim(line(service, "40.00")))

    assert_refused(decision, "denied", "service_not_covered", "40.00")
    assert decision.reason is None  # decided by its line, not by a check
    assert decision.lines[0].result == "denied"
    assert decision.lines[0].approved == Decimal("0.00")
    words = f"{service.replace('_', ' ')} is not a covered service for a {kind}."
    assert decision.lines[0].reason.words == words


@pytest.mark.parametrize("sizes", [None, 1, 2])
def test_ljpp_ring_sizing_up_to_two_sizes(terms, sizes):
    decision = decide_claim(contract(terms(LJPP)), claim(line("ring_sizing", "60.00", sizes)))

    assert decision.decision == "approved"
    assert decision.approved == Decimal("60.00")


def test_ljpp_ring_sizing_three_sizes_is_beyond_the_limit(terms):
    decision = decide_claim(contract(terms(LJPP)), claim(line("ring_sizing", "60.00", 3)))

    assert_refused(decision, "denied", "sizing_limit", "60.00")
    assert decision.lines[0].reason.words == (
        "Ring sizing is covered up to 2 sizes up or down; 3 were asked for."
    )


def test_care_ring_sizing_allows_three_sizes(terms):
    decision = decide_claim(contract(terms(CARE)), claim(line("ring_sizing", "60.00", 3)))

    assert decision.decision == "approved"
    assert decision.approved == Decimal("60.00")


def test_water_damage_on_a_water_resistant_watch(terms):
    decision = decide_claim(
        contract(terms(WATCH), kind="watch", water_resistant=True),
        claim(line("watch_water_damage", "250.00")),
    )

    assert decision.decision == "approved"
    assert decision.approved == Decimal("250.00")


def test_water_damage_on_a_watch_not_water_resistant(terms):
    decision = decide_claim(
        contract(terms(WATCH), kind="watch", water_resistant=False),
        claim(line("watch_water_damage", "250.00")),
    )

    assert_refused(decision, "denied", "service_not_covered", "250.00")
    assert "water resistant" in decision.lines[0].reason.words


def test_mixed_lines_are_partially_approved_with_the_first_denied_code(terms):
    decision = decide_claim(
        contract(terms(LJPP)),
        claim(
            line("prong_repair", "85.00"),
            line("ring_sizing", "60.00", 3),
            line("stone_replacement", "100.00"),
        ),
    )

    assert decision.decision == "partially_approved"
    assert decision.reason is None
    assert decision.reason_code == "sizing_limit"
    assert decision.approved == Decimal("85.00")
    assert decision.holder_share == Decimal("160.00")  # 245.00 estimated - 85.00
    assert decision.remaining_limit == Decimal("1115.00")
    assert decision.fulfilment == "repair"
    assert [r.result for r in decision.lines] == ["approved", "denied", "denied"]
    assert [r.reason.code for r in decision.lines] == [
        "line_approved",
        "sizing_limit",
        "service_not_covered",
    ]


def test_all_lines_denied_is_denied_with_the_first_lines_code(terms):
    decision = decide_claim(
        contract(terms(LJPP)),
        claim(line("stone_replacement", "100.00"), line("ring_sizing", "60.00", 3)),
    )

    assert_refused(decision, "denied", "service_not_covered", "160.00")
    assert decision.remaining_limit == Decimal("1200.00")


def test_not_repairable_with_every_line_denied_is_still_denied(terms):
    decision = decide_claim(
        contract(terms(CARE)), claim(line("hinge_pin", "40.00"), repairable=False)
    )

    assert_refused(decision, "denied", "service_not_covered", "40.00")


# --- replacement, holder share, review ------------------------------------------------------


def test_replacement_when_not_repairable(terms):
    decision = decide_claim(
        contract(terms(CARE), price="1200.00"),
        claim(line("prong_repair", "85.00"), repairable=False),
    )

    assert decision.decision == "approved"
    assert decision.fulfilment == "replacement"
    assert decision.approved == Decimal("1200.00")
    assert decision.holder_share == Decimal("0.00")
    assert decision.needs_review is True
    words = " ".join(decision.explanation)
    assert "cannot be repaired" in words
    assert "an item of like kind and quality worth $1,200.00" in words
    assert "An adjuster will confirm" in words


def test_replacement_when_repairs_cost_more_than_the_price(terms):
    decision = decide_claim(
        contract(terms(CARE), price="500.00"),
        claim(line("prong_repair", "300.00"), line("shank_repair", "200.01")),
    )

    assert decision.decision == "approved"
    assert decision.fulfilment == "replacement"
    assert decision.approved == Decimal("500.00")
    assert decision.holder_share == Decimal("0.00")
    assert decision.needs_review is True
    words = " ".join(decision.explanation)
    assert "The repairs ($500.01) cost more than the item's purchase price" in words
    assert "worth $500.00" in words


def test_repairs_equal_to_the_price_are_not_a_replacement(terms):
    decision = decide_claim(
        contract(terms(CARE), price="500.00"),
        claim(line("prong_repair", "300.00"), line("shank_repair", "200.00")),
    )

    assert decision.decision == "approved"
    assert decision.fulfilment == "repair"
    assert decision.approved == Decimal("500.00")
    assert decision.needs_review is False


def test_replacement_ignores_denied_lines_in_the_sum(terms):
    # 300 approved + 400 denied: the approved sum (300) is under the price (500).
    decision = decide_claim(
        contract(terms(CARE), price="500.00"),
        claim(line("prong_repair", "300.00"), line("hinge_pin", "400.00")),
    )

    assert decision.fulfilment == "repair"
    assert decision.approved == Decimal("300.00")
    assert decision.holder_share == Decimal("400.00")


@pytest.mark.parametrize(("cost", "needs_review"), [("1500.00", False), ("1500.01", True)])
def test_review_above_1500(terms, cost, needs_review):
    decision = decide_claim(
        contract(terms(CARE), price="5000.00"), claim(line("stone_replacement", cost))
    )

    assert decision.decision == "approved"
    assert decision.fulfilment == "repair"
    assert decision.approved == Decimal(cost)
    assert decision.needs_review is needs_review
    assert any("adjuster" in words for words in decision.explanation) is needs_review


# --- ljpp aggregate limit -------------------------------------------------------------------


def test_ljpp_remaining_limit_after_an_approval(terms):
    decision = decide_claim(contract(terms(LJPP)), claim(line("prong_repair", "85.00")))

    assert decision.decision == "approved"
    assert decision.remaining_limit == Decimal("1115.00")


def test_ljpp_limit_runs_out_mid_claim(terms):
    decision = decide_claim(
        contract(terms(LJPP), approved_before="1100.00"),
        claim(line("prong_repair", "85.00"), line("stone_tightening", "40.00")),
    )

    assert decision.decision == "partially_approved"
    assert decision.approved == Decimal("100.00")
    assert decision.remaining_limit == Decimal("0.00")
    assert decision.holder_share == Decimal("25.00")  # 125.00 estimated - 100.00
    assert decision.fulfilment == "repair"
    assert decision.reason_code is None
    assert [(r.result, r.approved) for r in decision.lines] == [
        ("approved", Decimal("85.00")),
        ("reduced", Decimal("15.00")),
    ]
    assert any("$100.00" in words for words in decision.explanation)


def test_ljpp_claim_using_exactly_the_rest_of_the_limit_is_approved(terms):
    decision = decide_claim(
        contract(terms(LJPP), approved_before="1115.00"), claim(line("prong_repair", "85.00"))
    )

    assert decision.decision == "approved"
    assert decision.approved == Decimal("85.00")
    assert decision.remaining_limit == Decimal("0.00")


def test_ljpp_replacement_is_capped_by_the_remaining_limit(terms):
    decision = decide_claim(
        contract(terms(LJPP), approved_before="400.00"),
        claim(line("prong_repair", "85.00"), repairable=False),
    )

    assert decision.decision == "partially_approved"
    assert decision.fulfilment == "replacement"
    assert decision.approved == Decimal("800.00")
    assert decision.remaining_limit == Decimal("0.00")
    assert decision.holder_share == Decimal("0.00")
    assert decision.needs_review is True
    assert "similar merchandise or store credit" in " ".join(decision.explanation)


def test_ljpp_replacement_within_the_limit_is_approved(terms):
    decision = decide_claim(
        contract(terms(LJPP), price="100.00"),
        claim(line("prong_repair", "60.00"), line("stone_tightening", "50.00")),
    )

    assert decision.decision == "approved"
    assert decision.fulfilment == "replacement"
    assert decision.approved == Decimal("100.00")
    assert decision.remaining_limit == Decimal("0.00")


def test_ljpp_limit_exhausted(terms):
    decision = decide_claim(
        contract(terms(LJPP), approved_before="1200.00"), claim(line("prong_repair", "85.00"))
    )

    assert_refused(decision, "denied", "limit_exhausted", "85.00")
    assert decision.remaining_limit == Decimal("0.00")
    assert "nothing is left" in decision.reason.words


def test_ljpp_remaining_limit_is_reported_on_a_denied_claim(terms):
    decision = decide_claim(contract(terms(LJPP), approved_before="300.00"), claim(cause="theft"))

    assert decision.decision == "denied"
    assert decision.remaining_limit == Decimal("900.00")


def test_care_plans_have_no_limit(terms):
    decision = decide_claim(
        contract(terms("care-jewelry-lifetime"), approved_before="5000.00"), claim()
    )

    assert decision.decision == "approved"
    assert decision.remaining_limit is None


@pytest.mark.parametrize(
    ("on", "state", "flagged", "direct"),
    [
        (dt.date(2024, 8, 9), "CT", False, False),  # day 60: not yet
        (dt.date(2024, 8, 10), "CT", True, True),  # day 61
        (dt.date(2024, 8, 10), "GA", True, True),
        (dt.date(2024, 8, 10), "WI", True, True),
        (dt.date(2024, 8, 10), "OK", True, False),  # flagged, but no direct claim there
    ],
)
def test_a_claim_unpaid_after_60_days_is_flagged_and_direct_in_ct_ga_wi(on, state, flagged, direct):
    from gemcare.rules.adjudication import unpaid_escalation

    result = unpaid_escalation(filed_on=dt.date(2024, 6, 10), on=on, state=state)
    assert (result.flagged, result.direct_claim_allowed) == (flagged, direct)

"""Filing a claim and deciding it at once (RULEBOOK §4) through `claim_file`.

Plans are bought 2024-03-01; claims are filed 2024-06-10 unless a test says otherwise (past
the 30 days in which a care plan's claim goes back to the jeweler).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from factories import SYSTEM, file_claim, row_counts, sell, snapshot

from gemcare.claims.models import (
    APPROVED,
    AWAITING_REVIEW,
    DENIED,
    RETURNED_TO_JEWELER,
    ClaimDecision,
)
from gemcare.claims.schemas import ClaimIn
from gemcare.claims.services import claim_file
from gemcare.common.errors import InvalidInput
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import ACTIVE, EXHAUSTED

FILED = dt.date(2024, 6, 10)


def file(contract, *lines, **claim):
    return file_claim(contract, *lines, **claim)


def line_rows(claim) -> list[tuple]:
    return [
        (line.service, line.estimated_cost, line.result, line.approved, line.reason_code)
        for line in claim.lines.all()
    ]


def test_an_approved_claim_writes_claim_lines_decision_and_audit(presets):
    contract = sell("ljpp-lifetime", price="1200.00")

    claim = file(contract, ("prong_repair", "85.00"))

    assert (claim.decision, claim.status, claim.reason_code) == ("approved", APPROVED, "")
    assert (claim.approved, claim.holder_share) == (Decimal("85.00"), Decimal("0.00"))
    assert claim.remaining_limit == Decimal("1115.00")
    assert (claim.fulfilment, claim.needs_review) == ("repair", False)
    assert (claim.filed_on, claim.incident_on, claim.cause) == (
        FILED,
        dt.date(2024, 6, 1),
        "wear_and_tear",
    )
    assert line_rows(claim) == [
        ("prong_repair", Decimal("85.00"), "approved", Decimal("85.00"), "line_approved")
    ]
    decision = claim.decisions.get()
    assert (decision.source, decision.decision, decision.approved, decision.status) == (
        ClaimDecision.ENGINE,
        "approved",
        Decimal("85.00"),
        APPROVED,
    )
    assert decision.explanation  # the words a jeweler can read out
    entry = AuditEntry.objects.get(action="claim_filed")
    assert (entry.entity, entry.entity_id) == ("claim", str(claim.pk))
    assert entry.data == {"decision": "approved", "approved": "85.00"}
    contract.refresh_from_db()
    assert (contract.approved_total, contract.status) == (Decimal("85.00"), ACTIVE)


def test_a_line_not_covered_makes_the_claim_partially_approved(presets):
    contract = sell("ljpp-lifetime", price="1200.00")

    claim = file(contract, ("prong_repair", "85.00"), ("watch_battery", "20.00"))

    assert (claim.decision, claim.status) == ("partially_approved", APPROVED)
    assert claim.reason_code == "service_not_covered"
    assert (claim.approved, claim.holder_share) == (Decimal("85.00"), Decimal("20.00"))
    assert line_rows(claim) == [
        ("prong_repair", Decimal("85.00"), "approved", Decimal("85.00"), "line_approved"),
        ("watch_battery", Decimal("20.00"), "denied", Decimal("0.00"), "service_not_covered"),
    ]
    contract.refresh_from_db()
    assert contract.approved_total == Decimal("85.00")


def test_a_cause_never_covered_is_denied(presets):
    contract = sell("ljpp-lifetime", price="1200.00")

    claim = file(contract, ("prong_repair", "85.00"), cause="theft")

    assert (claim.decision, claim.status, claim.reason_code) == (
        "denied",
        DENIED,
        "cause_not_covered",
    )
    # A denied claim approves 0.00; the holder's share is the whole estimate.
    assert (claim.approved, claim.holder_share) == (Decimal("0.00"), Decimal("85.00"))
    assert claim.remaining_limit == Decimal("1200.00")
    assert claim.fulfilment == ""
    assert claim.decisions.get().decision == "denied"
    assert AuditEntry.objects.filter(action="claim_filed", entity_id=str(claim.pk)).exists()
    contract.refresh_from_db()
    assert contract.approved_total == Decimal("0.00")


def test_a_care_claim_within_30_days_goes_back_to_the_jeweler(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00")

    claim = file(contract, ("prong_repair", "85.00"), incident="2024-03-20", filed="2024-03-31")

    assert (claim.decision, claim.status) == ("return_to_jeweler", RETURNED_TO_JEWELER)
    assert claim.reason_code == "return_to_jeweler"
    assert claim.approved == Decimal("0.00")
    assert claim.remaining_limit is None
    assert claim.decisions.get().status == RETURNED_TO_JEWELER
    assert AuditEntry.objects.get(action="claim_filed").data == {
        "decision": "return_to_jeweler",
        "approved": "0.00",
    }
    contract.refresh_from_db()
    assert contract.approved_total == Decimal("0.00")


@pytest.mark.parametrize(
    ("product", "cause", "filed"),
    [("ljpp-lifetime", "theft", "2024-06-10"), ("care-jewelry-3yr", "wear_and_tear", "2024-03-31")],
)
def test_the_lines_filed_are_kept_when_a_check_decides_the_claim(presets, product, cause, filed):
    contract = sell(product, price="600.00")

    claim = file(
        contract, ("prong_repair", "85.00"), cause=cause, incident="2024-03-20", filed=filed
    )

    # The claim is refused as a whole; the lines filed are kept, each refused for its reason.
    assert line_rows(claim) == [
        ("prong_repair", Decimal("85.00"), "denied", Decimal("0.00"), claim.reason_code)
    ]
    assert claim.reason_code in {"cause_not_covered", "return_to_jeweler"}


def test_an_ljpp_item_not_repairable_is_replaced_and_uses_the_whole_limit(presets):
    contract = sell("ljpp-lifetime", price="1200.00")

    claim = file(contract, ("prong_repair", "85.00"), repairable=False)

    assert (claim.decision, claim.status) == ("approved", AWAITING_REVIEW)
    assert (claim.fulfilment, claim.needs_review) == ("replacement", True)
    assert (claim.approved, claim.holder_share) == (Decimal("1200.00"), Decimal("0.00"))
    assert claim.remaining_limit == Decimal("0.00")
    assert line_rows(claim) == [
        ("prong_repair", Decimal("85.00"), "approved", Decimal("85.00"), "line_approved")
    ]
    decision = claim.decisions.get()
    assert (decision.fulfilment, decision.needs_review, decision.status) == (
        "replacement",
        True,
        AWAITING_REVIEW,
    )
    assert AuditEntry.objects.get(action="claim_filed").data == {
        "decision": "approved",
        "approved": "1200.00",
    }
    contract.refresh_from_db()
    assert (contract.approved_total, contract.status) == (Decimal("1200.00"), EXHAUSTED)
    event = contract.events.last()
    assert (event.kind, event.from_status, event.to_status) == (
        "limit_exhausted",
        ACTIVE,
        EXHAUSTED,
    )


def test_repairs_costing_more_than_the_item_become_a_replacement(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00")

    claim = file(
        contract, ("prong_repair", "400.00"), ("shank_repair", "300.00"), cause="accidental_damage"
    )

    # 700.00 of repairs on a 600.00 item: a replacement worth 600.00, no holder share.
    assert (claim.decision, claim.status, claim.fulfilment) == (
        "approved",
        AWAITING_REVIEW,
        "replacement",
    )
    assert (claim.approved, claim.holder_share) == (Decimal("600.00"), Decimal("0.00"))
    contract.refresh_from_db()
    assert (contract.approved_total, contract.status) == (Decimal("600.00"), ACTIVE)


def test_damage_before_a_later_bought_ljpp_is_preexisting(presets):
    contract = sell("ljpp-lifetime", sold="2024-01-15", purchased="2024-03-01")

    claim = file(contract, ("prong_repair", "85.00"), incident="2024-02-20")

    assert (claim.decision, claim.reason_code) == ("denied", "preexisting")


def test_the_ljpp_limit_is_used_up_then_the_contract_is_exhausted(presets):
    contract = sell("ljpp-lifetime", price="500.00")

    first = file(contract, ("prong_repair", "400.00"))
    second = file(contract, ("stone_tightening", "60.00"), ("rhodium_plating", "90.00"))

    assert (first.decision, first.approved, first.remaining_limit) == (
        "approved",
        Decimal("400.00"),
        Decimal("100.00"),
    )
    # 150.00 asked, 100.00 left: the lines are paid in order, the second cut to 40.00.
    assert (second.decision, second.approved, second.holder_share) == (
        "partially_approved",
        Decimal("100.00"),
        Decimal("50.00"),
    )
    assert second.remaining_limit == Decimal("0.00")
    assert [
        (service, result, approved) for service, _, result, approved, _ in line_rows(second)
    ] == [
        ("stone_tightening", "approved", Decimal("60.00")),
        ("rhodium_plating", "reduced", Decimal("40.00")),
    ]
    contract.refresh_from_db()
    assert (contract.approved_total, contract.status) == (Decimal("500.00"), EXHAUSTED)

    third = file(contract, ("prong_repair", "30.00"), filed="2024-07-01", incident="2024-06-30")

    assert (third.decision, third.status, third.reason_code) == (
        "denied",
        DENIED,
        "contract_not_active",
    )
    assert (third.approved, third.remaining_limit) == (Decimal("0.00"), Decimal("0.00"))
    contract.refresh_from_db()
    assert (contract.approved_total, contract.status) == (Decimal("500.00"), EXHAUSTED)


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


BAD_CLAIMS = [
    # (what is wrong, the claim's input changed, field, code)
    ("unknown cause", {"cause": "meteor"}, "cause", "invalid"),
    (
        "unknown service",
        {"lines": [{"service": "teleport", "cost": "1.00"}]},
        "lines[0].service",
        "invalid",
    ),
    (
        "second line unknown",
        {"lines": [{"service": "prong_repair", "cost": "1.00"}, {"service": "x", "cost": "1.00"}]},
        "lines[1].service",
        "invalid",
    ),
    (
        "three decimals",
        {"lines": [{"service": "prong_repair", "cost": "85.001"}]},
        "lines[0].cost",
        "invalid",
    ),
    (
        "negative cost",
        {"lines": [{"service": "prong_repair", "cost": "-1.00"}]},
        "lines[0].cost",
        "invalid",
    ),
    ("cost missing", {"lines": [{"service": "prong_repair"}]}, "lines[0].cost", "invalid"),
    ("incident after filing", {"incident": "2024-06-11"}, "incident", "incident_after_filing"),
    ("no such date", {"incident": "2024-06-31"}, "incident", "invalid"),
    # Filed today by default: an incident tomorrow lies after the filing.
    (
        "incident in the future",
        {"filed": None, "incident": "tomorrow"},
        "incident",
        "incident_after_filing",
    ),
    ("filed in the future", {"filed": "tomorrow"}, "filed", "invalid"),
    ("no lines", {"lines": []}, "lines", "invalid"),
    ("lines not a list", {"lines": "prong_repair"}, "lines", "invalid"),
    (
        "zero sizes",
        {"lines": [{"service": "ring_sizing", "cost": "40.00", "sizes": 0}]},
        "lines[0].sizes",
        "invalid",
    ),
    ("repairable not a flag", {"repairable": "no"}, "repairable", "invalid"),
]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [case[1:] for case in BAD_CLAIMS],
    ids=[case[0] for case in BAD_CLAIMS],
)
def test_bad_claim_input_names_the_field_and_writes_nothing(presets, changes, field, code):
    contract = sell("ljpp-lifetime", price="1200.00")
    arguments = {
        "incident": "2024-06-01",
        "filed": "2024-06-10",
        "cause": "wear_and_tear",
        "lines": [{"service": "prong_repair", "cost": "85.00"}],
        **changes,
    }
    for key in ("incident", "filed"):
        if arguments.get(key) == "tomorrow":
            arguments[key] = tomorrow()
    before, counts = snapshot(contract), row_counts()

    with pytest.raises(InvalidInput) as invalid:
        claim_file(caller=SYSTEM, contract=contract, claim=validate_input(ClaimIn, arguments))

    assert invalid.value.field == field
    assert invalid.value.code == code
    assert snapshot(contract) == before
    assert row_counts() == counts

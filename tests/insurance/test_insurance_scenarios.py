"""Policy scenarios: the player reads each event's arguments through the insurance schemas."""

import pytest
from insurance_factories import row_counts

from gemcare.common.errors import InvalidInput
from gemcare.insurance.models import Policy
from gemcare.scenarios.player import Player, ScenarioProblem

POLICY = {
    "state": "WI",
    "start": "2025-01-01",
    "deductible": "100",
    "items": [{"id": "r1", "kind": "ring", "limit": "8000.00"}],
}


def play(events: list[dict], **policy_changes) -> list:
    data = {"name": "probe", "policy": POLICY | policy_changes, "events": events}
    return Player(data).play()


def test_a_policy_scenario_plays_through_the_services(presets):
    results = play(
        [
            {"quote": {}, "expect": {"premium": "96.00"}},
            {
                "loss": {"date": "2025-05-02", "item": "r1", "peril": "theft", "cost": "9000.00"},
                "expect": {"payout": "7900.00", "item_removed": True, "refund": "64.18"},
            },
            {"cancel": {"date": "2025-07-01", "by": "insured"}, "expect": {"refund": "0.00"}},
        ]
    )
    assert [result.passed for result in results] == [True, True, True]
    assert Policy.objects.get().status == Policy.CANCELLED


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"loss": {"date": "2025-13-01", "item": "r1", "peril": "fire", "cost": "5"}}, "date"),
        ({"loss": {"date": "2025-05-02", "item": "r1", "peril": "meteor", "cost": "5"}}, "peril"),
        ({"loss": {"date": "2025-05-02", "item": "r\x001", "peril": "fire", "cost": "5"}}, "item"),
        (
            {
                "loss": {
                    "date": "2025-05-02",
                    "newly_acquired": {"acquired": "x"},
                    "peril": "fire",
                    "cost": "5",
                }
            },
            "newly_acquired.acquired",
        ),
        ({"loss": {"date": "2025-05-02", "item": "r1", "peril": "fire", "cost": 5.5}}, "cost"),
        (
            {
                "loss": {
                    "date": "2025-05-02",
                    "item": "r1",
                    "peril": "fire",
                    "cost": "5",
                    "witness": "Bob",
                }
            },
            "witness",
        ),
        ({"cancel": {"date": "2025-02-30", "by": "insurer"}}, "date"),
        ({"cancel": {"date": "2025-07-01", "by": "insurer", "notice": "2025-07-02"}}, "notice"),
        ({"renew": {"index_now": "NaN", "index_then": "100"}}, "index_now"),
        ({"quote": {"state": "CA"}}, "state"),
    ],
)
def test_bad_event_input_gives_its_error_in_the_scenarios_words(presets, event, field):
    results = play([event | {"expect": {"error": "invalid"}}])
    assert results[0].got["error"] in {"invalid", "unknown_field"}
    assert results[0].got["message"].startswith(f"{field}: ")
    with pytest.raises(ScenarioProblem) as problem:
        play([event])
    assert f"{field}: " in str(problem.value)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"items": [{"id": "r1", "kind": "tiara", "limit": "8000.00"}]}, "policy.items[0].kind"),
        ({"items": [{"id": "r1", "kind": "ring", "limit": "8000.00"}] * 101}, "policy.items"),
        ({"start": "0001-01-01"}, "policy.start"),
        ({"installments": 70000}, "policy.installments"),
        (
            {"items": [{"id": "r1", "kind": "ring", "limit": "1", "description": "x" * 400}]},
            "policy.items[0].description",
        ),
    ],
)
def test_a_policy_that_cannot_be_bound_stops_the_scenario(presets, changes, field):
    before = row_counts()
    with pytest.raises(InvalidInput) as error:
        play([{"quote": {}}], **changes)
    assert error.value.field == field
    assert row_counts() == before


def test_a_renamed_field_keeps_the_short_quote_of_its_value(presets):
    event = {"loss": {"date": "7" * 1_000_000, "item": "r1", "peril": "fire", "cost": "5"}}
    got = play([event | {"expect": {"error": "invalid"}}])[0].got
    assert got["message"].startswith("date: is not a date")
    assert "(1000000 characters)" in got["message"]
    assert len(got["message"]) < 200

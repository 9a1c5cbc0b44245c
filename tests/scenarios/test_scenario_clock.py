"""Scenarios play on their own clock (RULEBOOK §8): while an event plays, `today()` is that
event's date; outside the runner the real today stays. A refused event gives its code and the
next events still play; an error nobody meant fails its scenario only."""

import datetime as dt
import json
import textwrap
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from gemcare.common.clock import today
from gemcare.common.errors import Refused
from gemcare.scenarios import player as player_module
from gemcare.scenarios.player import PLAN_EVENTS, POLICY_EVENTS, Player, ScenarioProblem

# The runner commits its presets into the shared in-memory database on SQLite.
runs = pytest.mark.django_db(transaction=connection.vendor == "sqlite")

NEXT_YEAR = timezone.localdate().year + 1


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- which date each event plays on (the handlers are replaced by recorders) -----------------


@pytest.fixture
def recorded(monkeypatch):
    """Replace the set-up and every handler by one that notes the clock's date."""
    days: list[tuple[str, dt.date]] = []

    def setup(name):
        def record(self):
            days.append((name, today()))
            self.policy = SimpleNamespace(
                period_end=day("2026-01-01"), refresh_from_db=lambda fields: None
            )

        return record

    def handler(name):
        def record(self, args):
            days.append((name, today()))
            if name == "claim":
                self.claims.append(SimpleNamespace(filed_on=today()))
            if args.get("refused"):
                raise Refused("refused_here", "Refused for the test.")
            return {}

        return record

    monkeypatch.setattr(Player, "_setup_plan", setup("sale"))
    monkeypatch.setattr(Player, "_setup_policy", setup("bind"))
    for kind in PLAN_EVENTS:
        monkeypatch.setattr(Player, f"_plan_{kind}", handler(kind))
    for kind in POLICY_EVENTS:
        monkeypatch.setattr(Player, f"_policy_{kind}", handler(f"policy {kind}"))
    return days


@pytest.mark.django_db
def test_each_plan_event_plays_on_its_own_date(recorded):
    Player(
        {
            "name": "dates",
            "product": "ljpp-lifetime",
            "state": "OK",
            "purchased": day(f"{NEXT_YEAR}-03-01"),
            "item": {"kind": "ring", "price": "1200.00"},
            "events": [
                {"quote": {}},
                {"claim": {"incident": day(f"{NEXT_YEAR}-06-01")}},
                {"claim": {"incident": f"{NEXT_YEAR}-06-20", "filed": f"{NEXT_YEAR}-07-01"}},
                # An incident after the filing plays on the incident's date.
                {"claim": {"incident": day(f"{NEXT_YEAR}-07-09"), "filed": f"{NEXT_YEAR}-07-08"}},
                {"fulfil": {"claim": 2}},
                {"fulfil": {"claim": 1, "date": day(f"{NEXT_YEAR}-08-01")}},
                {"transfer": {"to": "Bea", "date": day(f"{NEXT_YEAR}-09-01")}},
                {"cancel": {"date": day(f"{NEXT_YEAR}-10-01")}},
            ],
        }
    ).play()

    assert recorded == [
        ("sale", day(f"{NEXT_YEAR}-03-01")),
        ("quote", day(f"{NEXT_YEAR}-03-01")),
        ("claim", day(f"{NEXT_YEAR}-06-01")),
        ("claim", day(f"{NEXT_YEAR}-07-01")),
        ("claim", day(f"{NEXT_YEAR}-07-09")),
        ("fulfil", day(f"{NEXT_YEAR}-07-01")),
        ("fulfil", day(f"{NEXT_YEAR}-08-01")),
        ("transfer", day(f"{NEXT_YEAR}-09-01")),
        ("cancel", day(f"{NEXT_YEAR}-10-01")),
    ]
    assert today() == timezone.localdate()


@pytest.mark.django_db
def test_each_policy_event_plays_on_its_own_date(recorded):
    Player(
        {
            "name": "policy dates",
            "policy": {"state": "WI", "start": day("2025-01-01")},
            "events": [
                {"quote": {}},
                {"loss": {"date": day("2025-05-02")}},
                {"renew": {}},
                {"cancel": {"date": "2026-02-01"}},
            ],
        }
    ).play()

    assert recorded == [
        ("bind", day("2025-01-01")),
        ("policy quote", day("2025-01-01")),
        ("policy loss", day("2025-05-02")),
        ("policy renew", day("2026-01-01")),  # the current period's end
        ("policy cancel", day("2026-02-01")),
    ]


@pytest.mark.django_db
def test_an_event_without_a_date_plays_on_the_real_today_and_a_refusal_resets_the_clock(
    recorded,
):
    results = Player(
        {
            "product": "ljpp-lifetime",
            "state": "OK",
            "purchased": day("2024-03-01"),
            "item": {},
            "events": [
                {"cancel": {"date": day("2024-09-01"), "refused": True}},
                {"transfer": {"to": "Bea", "date": "not a date"}},
            ],
        }
    ).play()

    assert recorded[1:] == [("cancel", day("2024-09-01")), ("transfer", timezone.localdate())]
    assert results[0].got["error"] == "refused_here"
    assert today() == timezone.localdate()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"state": ["OK"]}, "state: is not a US state"),
        ({"purchased": "2024-02-30"}, "purchased: is not a date (expected YYYY-MM-DD)"),
        ({"item": ["ring"]}, "item: must be a mapping of keys"),
        ({"events": "quote"}, "events: must be a list"),
        ({"events": [{"quote": {}}] * 1001}, "events: has too many entries (at most 1000)"),
        ({"policy": {}}, "product: a scenario names either `product` or `policy`"),
        ({"purchased": None}, "purchased: is required in a plan scenario"),
        ({"prodcut": "x"}, "prodcut: is not a known field (got x)"),
    ],
)
def test_a_scenario_of_the_wrong_shape_names_the_key(recorded, change, message):
    data = {
        "name": "shape",
        "product": "ljpp-lifetime",
        "state": "OK",
        "purchased": day("2024-03-01"),
        "item": {"kind": "ring", "price": "1200.00"},
        "events": [{"quote": {}}],
    } | change

    with pytest.raises(ScenarioProblem) as problem:
        Player(data).play()

    assert str(problem.value).startswith(message)
    assert recorded == []


# --- through `scenarios run` ------------------------------------------------------------------

FUTURE = f"""\
name: next year's sale plays today
product: ljpp-lifetime
state: OK
purchased: {NEXT_YEAR}-03-01
item: {{kind: ring, price: "1200.00"}}
events:
  - quote: {{}}
    expect: {{offer: true, price: "179.00"}}
  - claim: {{incident: {NEXT_YEAR}-06-01, cause: wear_and_tear,
            lines: [{{service: prong_repair, cost: "85.00"}}]}}
    expect: {{decision: approved, approved: "85.00", remaining_limit: "1115.00"}}
  - fulfil: {{claim: 1, actual_cost: "80.00"}}
    expect: {{reimbursed: "80.00", status: active}}
  - cancel: {{date: {NEXT_YEAR + 1}-03-01, by: holder}}
    expect: {{status: cancelled}}
"""

REFUSED = """\
name: a refused transfer, then more events
product: ljpp-lifetime
state: OK
purchased: 2024-03-01
item: {kind: ring, price: "1200.00"}
events:
  - transfer: {to: Bea, date: 2024-04-01}
    expect: {ok: false, error: not_transferable}
  - claim: {filed: 2024-06-10, incident: 2024-06-01, cause: wear_and_tear,
            lines: [{service: prong_repair, cost: "85.00"}]}
    expect: {decision: approved, approved: "85.00", remaining_limit: "1115.00"}
  - cancel: {date: 2025-03-01, by: holder}
    expect: {refund: "43.90", status: cancelled}
"""

BROKEN = """\
name: a fault in the player
product: ljpp-lifetime
state: OK
purchased: 2024-03-01
item: {kind: ring, price: "1200.00"}
events:
  - quote: {}
  - transfer: {to: Boom, date: 2024-04-01}
  - quote: {}
"""


@pytest.fixture(scope="module")
def played(run, tmp_path_factory):
    """One JSON run of the three scenarios, with a transfer to "Boom" made to fail as our own
    code might (a TypeError)."""
    folder = tmp_path_factory.mktemp("clock")
    for name, text in {"future": FUTURE, "refused": REFUSED, "broken": BROKEN}.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    transfer = Player._plan_transfer

    def faulty(self, args):
        if args.get("to") == "Boom":
            raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")
        return transfer(self, args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(player_module.Player, "_plan_transfer", faulty)
        code, output = run(folder, json=True)
    return code, {result["name"]: result for result in json.loads(output)}


@runs
def test_a_scenario_dated_next_year_plays_and_passes(played):
    _, results = played
    future = results["next year's sale plays today"]

    assert future["passed"] is True, future
    assert [event["passed"] for event in future["events"]] == [True] * 4


@runs
def test_a_refused_event_gives_its_code_and_the_next_events_play(played):
    _, results = played
    refused = results["a refused transfer, then more events"]

    assert refused["passed"] is True, refused
    assert refused["events"][0]["got"]["error"] == "not_transferable"
    assert refused["events"][1]["got"]["approved"] == "85.00"
    assert refused["events"][2]["got"]["refund"] == "43.90"


@runs
def test_an_error_nobody_meant_fails_its_scenario_only_saying_what_and_where(played):
    code, results = played
    broken = results["a fault in the player"]

    assert code == 1
    assert broken["passed"] is False
    assert broken["error"].startswith(
        "events[2] transfer: failed with TypeError: unsupported operand type(s) for +: "
        "'int' and 'str' (at "
    )
    assert "(at scenarios/player.py:" in broken["error"]  # the innermost line of ours
    assert [event["kind"] for event in broken["events"]] == ["quote"]  # what played before


@runs
def test_the_clock_is_the_real_today_after_a_run(played):
    assert today() == timezone.localdate()

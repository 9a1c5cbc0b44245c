"""`gemcare scenarios run` (RULEBOOK §8), played through `call_command`.

The runner makes its own temporary database. On PostgreSQL it is a throw-away database and
the test database is left alone. On SQLite it is the shared in-memory test database itself,
where the runner commits the presets: there these tests commit (`transaction=True`) and
pytest-django empties the database after each. A run costs a database set-up, so each run
below plays several files and the tests read its output.
"""

import importlib
import json
import textwrap
from pathlib import Path

import pytest
from django.db import connection
from scenario_runs import lines_about

pytestmark = [pytest.mark.django_db(transaction=True)] if connection.vendor == "sqlite" else []

REPOSITORY = Path(__file__).resolve().parents[2]
RULEBOOK_SCENARIOS = REPOSITORY / "scenarios" / "rulebook"

LJPP_HEADER = """\
product: ljpp-lifetime
state: OK
purchased: 2024-03-01
item: {kind: ring, price: "1200.00"}
"""

PASSING = """\
name: care ring, claim, fulfil, transfer, cancel paid late
product: care-jewelry-3yr
state: TX
purchased: 2024-03-01
item: {kind: ring, price: "600.00"}
events:
  - quote: {}
    expect: {offer: true, price: "69.00"}
  - claim: {filed: 2024-06-10, incident: 2024-06-01, cause: accidental_damage,
            lines: [{service: rhodium_plating, cost: "20.00"}]}
    expect: {decision: approved, approved: "20.00", holder_share: "0.00", fulfilment: repair,
             needs_review: false, status: active}
  - fulfil: {claim: 1, actual_cost: "25.00"}
    expect: {reimbursed: "20.00", status: active}
  - transfer: {to: Bea, date: 2024-07-01}
    expect: {ok: true}
  # 69.00 x 911 / 1095 = 57.4054... - 20.00 of services = 37.41; due 2024-10-01, paid 31 days
  # late: 20% = 7.482 -> 7.48.
  - cancel: {date: 2024-09-01, by: holder, refund_paid: 2024-11-01}
    expect: {refund: "37.41", penalty: "7.48", total: "44.89", status: cancelled}
"""

PROBLEMS = {
    "wrong.yaml": "name: wrong price expected\n"
    + LJPP_HEADER
    + """\
events:
  - quote: {}
    expect: {price: "169.00"}
""",
    # Line 8 is indented one space short.
    "bad.yaml": "name: bad yaml\n"
    + LJPP_HEADER
    + """\
events:
  - quote: {}
   expect: {price: "179.00"}
""",
    "unknown-product.yaml": LJPP_HEADER.replace("ljpp-lifetime", "gold-plan")
    + """\
name: unknown product
events:
  - quote: {}
""",
    "unknown-service.yaml": "name: unknown service\n"
    + LJPP_HEADER
    + """\
events:
  - claim: {filed: 2024-06-10, incident: 2024-06-01, cause: wear_and_tear,
            lines: [{service: teleport, cost: "85.00"}]}
    expect: {decision: approved}
""",
    "unknown-service-no-expect.yaml": "name: unknown service, no expectation\n"
    + LJPP_HEADER
    + """\
events:
  - claim: {filed: 2024-06-10, incident: 2024-06-01, cause: wear_and_tear,
            lines: [{service: teleport, cost: "85.00"}]}
""",
    "two.yaml": "name: first of two\n"
    + LJPP_HEADER
    + """\
events:
  - quote: {}
    expect: {price: "179.00"}
---
name: second of two
product: care-watch-3yr
state: TX
purchased: 2024-03-01
item: {kind: watch, price: "30000.00"}
events:
  - quote: {}
    expect: {offer: false, reason: price_above_bands}
""",
    "no-expect.yaml": "name: no expectation\n"
    + LJPP_HEADER
    + """\
events:
  - quote: {}
""",
}


@pytest.fixture(scope="module")
def problems_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("problems")
    for name, text in PROBLEMS.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def problems_text(run, problems_folder) -> str:
    code, output = run(problems_folder)
    assert code == 1
    return output


@pytest.fixture(scope="module")
def problems_json(run, problems_folder) -> dict[str, dict]:
    code, output = run(problems_folder, json=True)
    assert code == 1
    results = json.loads(output)
    assert isinstance(results, list)
    return {result["name"]: result for result in results}


# --- passing scenarios, with the rulebook's own examples --------------------------------------


def has_policy_bind() -> bool:
    return hasattr(importlib.import_module("gemcare.insurance.services"), "policy_bind")


@pytest.fixture(scope="module")
def passing(run, tmp_path_factory) -> tuple[Path, int, str]:
    """Our passing scenario and the rulebook's examples (the policy one needs the insurance
    services, which are still being written), played in one run."""
    path = tmp_path_factory.mktemp("passing") / "passing.yaml"
    path.write_text(PASSING, encoding="utf-8")
    rulebook = (
        [RULEBOOK_SCENARIOS]
        if has_policy_bind()
        else [RULEBOOK_SCENARIOS / "ljpp-ring-oklahoma.yaml"]
    )
    code, output = run(path, *rulebook)
    return path, code, output


def test_passing_scenarios_exit_zero(passing):
    path, code, output = passing

    assert code == 0
    assert output.splitlines()[0] == (
        f"PASS care ring, claim, fulfil, transfer, cancel paid late  ({path})"
    )
    assert output.splitlines()[-1].startswith("scenarios: ")
    assert output.splitlines()[-1].endswith(" passed, 0 failed")


def test_the_rulebook_ljpp_example_passes(passing):
    _, _, output = passing

    assert lines_about(output, "ljpp ring, claim then cancel, Oklahoma") == [
        "PASS ljpp ring, claim then cancel, Oklahoma  "
        f"({RULEBOOK_SCENARIOS / 'ljpp-ring-oklahoma.yaml'})"
    ]


def test_the_rulebook_policy_example_passes(passing):
    if not has_policy_bind():
        pytest.skip("gemcare.insurance.services has no policy_bind yet (insurance in progress)")
    _, code, output = passing

    assert code == 0
    assert lines_about(output, "theft of a scheduled ring") == [
        f"PASS theft of a scheduled ring  ({RULEBOOK_SCENARIOS / 'theft-of-scheduled-ring.yaml'})"
    ]
    assert output.splitlines()[-1] == "scenarios: 3 passed, 0 failed"


# --- failures and problems, in text ----------------------------------------------------------


def test_a_run_with_failures_prints_a_line_per_scenario_and_counts_them(
    problems_text, problems_folder
):
    marks = [line[:4] for line in problems_text.splitlines() if line[:4] in {"PASS", "FAIL"}]
    failed = {
        line.split("  (")[0][5:] for line in problems_text.splitlines() if line.startswith("FAIL")
    }

    assert len(marks) == 8  # one line per scenario: seven files, one of them with two
    assert {
        "wrong price expected",
        str(problems_folder / "bad.yaml"),
        "unknown product",
        "unknown service",
    } <= failed
    assert problems_text.splitlines()[-1] == (
        f"scenarios: {marks.count('PASS')} passed, {marks.count('FAIL')} failed"
    )


def test_a_wrong_expectation_names_the_key_the_expected_and_what_it_got(problems_text):
    assert lines_about(problems_text, "wrong price expected")[1:] == [
        "     event 1 quote: price: expected '169.00', got '179.00'"
    ]
    assert lines_about(problems_text, "wrong price expected")[0].startswith("FAIL ")


def test_bad_yaml_says_the_line(problems_text, problems_folder):
    where = problems_folder / "bad.yaml"
    lines = lines_about(problems_text, str(where))

    assert lines[0] == f"FAIL {where}  ({where})"
    assert lines[1].startswith("     cannot be played: is not valid YAML at line 8, column 4:")


def test_an_unknown_product_cannot_be_played(problems_text):
    lines = lines_about(problems_text, "unknown product")

    assert lines[0].startswith("FAIL ")
    assert lines[1:] == [
        "     cannot be played: cannot be set up: product: is not a published plan product "
        "(got gold-plan)"
    ]


def test_an_unknown_service_code_names_the_line(problems_text):
    lines = lines_about(problems_text, "unknown service")

    assert lines[0].startswith("FAIL ")
    assert (
        "     cannot be played: events[1] claim: "
        "lines[0].service: is not a known service (got teleport)"
    ) in lines


def test_an_unknown_service_code_fails_even_without_an_expectation(problems_json):
    result = problems_json["unknown service, no expectation"]

    assert result["passed"] is False
    assert "lines[0].service" in json.dumps(result)


def test_every_document_of_a_file_is_a_scenario(problems_text, problems_folder):
    where = problems_folder / "two.yaml"

    assert lines_about(problems_text, "first of two") == [f"PASS first of two  ({where})"]
    assert lines_about(problems_text, "second of two") == [f"PASS second of two  ({where}#2)"]


def test_an_event_without_expect_prints_what_it_gave(problems_text):
    assert lines_about(problems_text, "no expectation")[1:] == [
        "     event 1 quote gave {'offer': True, 'price': '179.00'}"
    ]


# --- --json ----------------------------------------------------------------------------------


def test_json_gives_name_passed_and_events(problems_json, problems_folder):
    assert set(problems_json) == {
        "wrong price expected",
        str(problems_folder / "bad.yaml"),  # no name could be read: the file names it
        "unknown product",
        "unknown service",
        "unknown service, no expectation",
        "first of two",
        "second of two",
        "no expectation",
    }
    assert problems_json["wrong price expected"] == {
        "name": "wrong price expected",
        "file": str(problems_folder / "wrong.yaml"),
        "passed": False,
        "events": [
            {
                "kind": "quote",
                "got": {"offer": True, "price": "179.00"},
                "expect": {"price": "169.00"},
                "passed": False,
            }
        ],
    }
    second = problems_json["second of two"]
    assert second["passed"] is True
    assert second["events"][0]["got"]["reason"] == "price_above_bands"
    assert problems_json["no expectation"]["events"][0]["expect"] is None


def test_json_says_why_a_scenario_cannot_be_played(problems_json, problems_folder):
    bad = problems_json[str(problems_folder / "bad.yaml")]

    assert (bad["passed"], bad["events"]) == (False, [])
    assert "line 8" in bad["error"]
    assert "product" in problems_json["unknown product"]["error"]
    unknown = problems_json["unknown service"]
    assert unknown["passed"] is False
    assert "events[1] claim: lines[0].service" in unknown["error"]

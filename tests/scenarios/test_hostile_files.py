"""Hostile scenario files: each fails on its own with a message that says where, and a good
file beside them still passes, in the same run."""

import pytest
from django.db import connection
from scenario_runs import lines_about

pytestmark = [pytest.mark.django_db(transaction=True)] if connection.vendor == "sqlite" else []

HEADER = """\
product: ljpp-lifetime
state: OK
purchased: 2024-03-01
"""
GOOD = (
    "name: a good file beside them\n"
    + HEADER
    + """\
item: {kind: ring, price: "1200.00"}
events:
  - quote: {}
    expect: {price: "179.00"}
"""
)


def laughs(indent: str) -> str:
    """Ten levels of nine aliases each: a billion strings once expanded."""
    rows = [f'{indent}l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"{indent}l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(rows) + "\n"


HOSTILE: dict[str, bytes] = {
    "not-utf8.yaml": ("name: café\n" + HEADER).encode("latin-1"),
    "deep.yaml": (
        "name: deep\n" + HEADER + "item: " + "[" * 500 + "]" * 500 + "\nevents: [{quote: {}}]\n"
    ).encode(),
    "self-alias.yaml": (
        "name: self alias\n"
        + HEADER
        + 'item: {kind: ring, price: "1200.00"}\n'
        + "events:\n  - quote: {}\n    expect: &e {price: *e}\n"
    ).encode(),
    "state-list.yaml": (
        GOOD.replace("a good file beside them", "state as a list").replace(
            "state: OK", "state: [OK]"
        )
    ).encode(),
    "laughs-price.yaml": (
        "laughs:\n"
        + laughs("  ")
        + "name: laughs as a price\n"
        + HEADER
        + "item: {kind: ring, price: *l9}\nevents: [{quote: {}}]\n"
    ).encode(),
    "laughs-expect.yaml": (
        "laughs:\n"
        + laughs("  ")
        + "name: laughs as an expectation\n"
        + HEADER
        + 'item: {kind: ring, price: "1200.00"}\n'
        + "events:\n  - quote: {}\n    expect: {price: *l9}\n"
    ).encode(),
    "too-big.yaml": GOOD.encode() + b"#" * 1_000_000 + b"\n",
    "bad-date.yaml": GOOD.replace("quote: {}", "cancel: {date: 2024-13-45, by: holder}").encode(),
    "nul.yaml": GOOD.replace("kind: ring", 'kind: "ri\x00ng"').encode(),
}
# What each says, after "cannot be played: ".
PROBLEMS = {
    "not-utf8.yaml": "is not UTF-8 text: byte 0xe9 at line 1, column 10",
    "deep.yaml": "cannot be read at line 5, column 38: values are nested deeper than 32 levels",
    "self-alias.yaml": "an alias at line 8 refers to a value that contains it",
    "laughs-price.yaml": "expands to more than 200,000 values (aliases repeat too much; line 2)",
    "laughs-expect.yaml": "expands to more than 200,000 values (aliases repeat too much; line 2)",
    "too-big.yaml": "is over 1,000,000 bytes, the most a scenario file may have "
    f"({len(HOSTILE['too-big.yaml']):,} bytes)",
    "bad-date.yaml": "holds a value that cannot be read at line 7: month must be in 1..12",
    "nul.yaml": "is not valid YAML at line 5, column 17: control characters are not allowed",
}


@pytest.fixture(scope="module")
def hostile(run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, data in HOSTILE.items():
        (folder / name).write_bytes(data)
    (folder / "zz-good.yaml").write_text(GOOD, encoding="utf-8")
    code, output = run(folder)
    return folder, code, output


def test_the_good_file_beside_them_passes_and_the_run_fails(hostile):
    folder, code, output = hostile

    assert code == 1
    assert lines_about(output, "a good file beside them") == [
        f"PASS a good file beside them  ({folder / 'zz-good.yaml'})"
    ]
    assert output.splitlines()[-1] == f"scenarios: 1 passed, {len(HOSTILE)} failed"
    assert "Traceback" not in output


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_a_hostile_file_fails_on_its_own_saying_where(hostile, name):
    folder, _, output = hostile
    where = folder / name

    assert lines_about(output, str(where)) == [
        f"FAIL {where}  ({where})",
        f"     cannot be played: {PROBLEMS[name]}",
    ]


def test_a_list_where_a_state_belongs_names_the_key(hostile):
    folder, _, output = hostile

    assert lines_about(output, "state as a list") == [
        f"FAIL state as a list  ({folder / 'state-list.yaml'})",
        "     cannot be played: state: is not a US state",
    ]

"""Reading scenario files without a database: sizes, encodings and YAML graphs are checked
before any value is built."""

import time
from pathlib import Path

import pytest

from gemcare.scenarios import loading
from gemcare.scenarios.loading import load_scenarios

SCENARIO = """\
name: {name}
product: ljpp-lifetime
state: OK
purchased: 2024-03-01
item: {{kind: ring, price: "1200.00"}}
events:
  - quote: {{}}
"""


def problems(path: Path) -> list[tuple[str, str | None]]:
    return [(source.where, source.problem) for source in load_scenarios([path])]


def test_a_50_mb_file_is_refused_by_its_size_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024)

    def never(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", never)
    monkeypatch.setattr(Path, "read_bytes", never)
    started = time.perf_counter()

    assert problems(path) == [
        (
            str(path),
            "is over 1,000,000 bytes, the most a scenario file may have (52,428,800 bytes)",
        )
    ]
    assert time.perf_counter() - started < 1


def test_the_size_limit_is_a_setting(tmp_path, settings):
    settings.GEMCARE_SCENARIO_MAX_BYTES = 100
    small, large = tmp_path / "small.yaml", tmp_path / "large.yaml"
    small.write_text("name: a\n", encoding="utf-8")
    large.write_text("name: a\n" + "#" * 100, encoding="utf-8")

    assert problems(small) == [(str(small), None)]
    assert problems(large)[0][1].startswith("is over 100 bytes")


def test_aliases_that_expand_a_little_are_read(tmp_path):
    path = tmp_path / "anchors.yaml"
    path.write_text(
        "name: anchors\nitem: &ring {kind: ring, price: '1200.00'}\nalso: [*ring, *ring]\n",
        encoding="utf-8",
    )

    [source] = load_scenarios([path])

    assert source.problem is None
    assert source.data["also"] == [source.data["item"]] * 2


def test_an_alias_cycle_through_a_merge_key_is_refused(tmp_path):
    path = tmp_path / "merge.yaml"
    path.write_text("name: merge\nitem: &m {<<: *m, kind: ring}\n", encoding="utf-8")

    assert problems(path) == [(str(path), "an alias at line 2 refers to a value that contains it")]


def test_aliases_that_nest_deeper_than_the_bound_are_refused(tmp_path):
    path = tmp_path / "deep-aliases.yaml"
    levels = "\n".join(f"x{i}: &d{i} [[[[[[[[[[*d{i - 1}]]]]]]]]]]" for i in range(1, 6))
    path.write_text("x0: &d0 [1]\n" + levels + "\n", encoding="utf-8")

    [(_, problem)] = problems(path)

    assert problem.startswith("values are nested deeper than 32 levels once aliases are expanded")


def test_an_integer_of_thousands_of_digits_fails_its_document_only(tmp_path):
    path = tmp_path / "digits.yaml"
    path.write_text(
        SCENARIO.format(name="first") + "---\nname: digits\nprice: " + "9" * 5000 + "\n",
        encoding="utf-8",
    )

    assert problems(path) == [
        (str(path), None),
        (
            f"{path}#2",
            "holds a value that cannot be read at line 10: Exceeds the limit (4300 digits) for "
            "integer string conversion: value has 5000 digits",
        ),
    ]


def test_a_yaml_error_in_a_later_document_keeps_the_ones_before(tmp_path):
    path = tmp_path / "later.yaml"
    path.write_text(SCENARIO.format(name="first") + "---\nname: [\n", encoding="utf-8")

    [first, second] = load_scenarios([path])

    assert (first.name, first.problem) == ("first", None)
    assert second.where == f"{path}#2"
    assert second.problem.startswith("is not valid YAML at line 10, column 1:")


def test_an_empty_file_holds_no_scenario(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing here\n---\n", encoding="utf-8")

    assert problems(path) == [(str(path), "holds no scenario")]


def test_a_file_that_cannot_be_read_says_so(tmp_path):
    path = tmp_path / "missing.yaml"

    assert problems(path) == [(str(path), "cannot be read: No such file or directory")]


@pytest.mark.skipif(not hasattr(loading, "FastScenarioLoader"), reason="PyYAML without libyaml")
def test_both_parsers_give_the_same_documents_and_bounds(tmp_path):
    text = SCENARIO.format(name="same") + "deep: " + "[" * 40 + "]" * 40 + "\n"

    for loader in (loading.ScenarioLoader, loading.FastScenarioLoader):
        with pytest.raises(loading.ComposerError, match="nested deeper than 32"):
            loader(text).get_single_node()
        reader = loader(SCENARIO.format(name="same"))
        assert reader.construct_document(reader.get_single_node())["name"] == "same"

"""Reading scenario files: every YAML document in the files and folders given is a scenario.

Scenario files come from people, so a file may be anything: not UTF-8, not YAML, nested
without end, or built from aliases that expand to billions of values. Each such file (or
document) becomes a scenario that cannot be played, with a message that says where; the other
files still run. To get there without exhausting memory or the stack:

- a file over settings.GEMCARE_SCENARIO_MAX_BYTES is refused by its size, before it is read;
- the bytes must be UTF-8;
- YAML is composed into its node graph first (PyYAML's safe loader, nothing but plain data),
  and the graph is checked before any value is built: nesting is bounded while composing,
  and a walk of the graph as its aliases expand it refuses an alias that contains itself and
  stops at a budget of values, so "billion laughs" costs no more than the budget;
- a value the constructor refuses (a date such as 2024-13-45, an integer of thousands of
  digits) fails its document only.
"""

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.nodes import CollectionNode, MappingNode, Node
from yaml.resolver import Resolver

# A scenario nests about seven levels (scenario, events, event, claim, lines, line, value).
MAX_DEPTH = 32
# Values a document may expand to, aliases included: a 1 MB file of events without aliases
# holds about 120,000.
MAX_VALUES = 200_000
MAX_NAME = 200  # characters of a scenario's name shown in a report


@dataclass(frozen=True)
class ScenarioSource:
    path: Path
    index: int  # the document's position in its file, from 1
    data: dict | None
    problem: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path}#{self.index}" if self.index > 1 else str(self.path)

    @property
    def name(self) -> str:
        if isinstance(self.data, dict) and isinstance(self.data.get("name"), str):
            name = self.data["name"]
            return name if len(name) <= MAX_NAME else name[:MAX_NAME] + "…"
        return self.where


class ScenarioFileError(Exception):
    """A document cannot be read; the message says where."""


class _TooDeep(ComposerError):
    pass


class _BoundedComposer(Composer):
    """PyYAML's composer, refusing nesting deeper than MAX_DEPTH while it composes (its own
    recursion would otherwise end in a RecursionError, or worse in C)."""

    _depth = 0

    def compose_node(self, parent, index):
        starts = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
        if self._depth >= MAX_DEPTH and self.check_event(*starts):
            raise _TooDeep(
                None,
                None,
                f"values are nested deeper than {MAX_DEPTH} levels",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        self.last_node = node  # so that a value the constructor refuses can be placed
        return super().construct_object(node, deep=deep)


class ScenarioLoader(_BoundedComposer, yaml.SafeLoader):
    """The safe loader (plain data only) with bounded composing."""


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class FastScenarioLoader(_BoundedComposer, CParser, SafeConstructor, Resolver):
        """The same, on libyaml's parser when PyYAML has it: the composer and constructor
        stay the Python ones above (so the bounds hold), and reading events in C makes a
        1 MB file load about twice as fast."""

        def __init__(self, stream) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _Loader = FastScenarioLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _Loader = ScenarioLoader


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield key
            yield value
    else:
        yield from node.value


def check_node_graph(root: Node) -> None:
    """Walk the document as its aliases expand it, without building it: refuse an alias
    that contains itself, nesting past MAX_DEPTH and more than MAX_VALUES values."""
    if not isinstance(root, CollectionNode):
        return
    count = 1
    on_path = {id(root)}
    stack = [(root, _children(root))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            on_path.discard(id(node))
            continue
        if id(child) in on_path:
            raise ScenarioFileError(
                f"an alias at line {_line(node)} refers to a value that contains it"
            )
        count += 1
        if count > MAX_VALUES:
            raise ScenarioFileError(
                f"expands to more than {MAX_VALUES:,} values (aliases repeat too much; "
                f"line {_line(child)})"
            )
        if isinstance(child, CollectionNode):
            if len(stack) >= MAX_DEPTH:
                raise ScenarioFileError(
                    f"values are nested deeper than {MAX_DEPTH} levels once aliases are "
                    f"expanded (line {_line(child)})"
                )
            on_path.add(id(child))
            stack.append((child, _children(child)))


def _yaml_problem(error: yaml.YAMLError, text: str) -> str:
    if isinstance(error, yaml.reader.ReaderError):
        # Positions count characters in the Python reader and bytes in libyaml's: either way
        # the line is close enough to find the character, which is never printable.
        before = text[: error.position]
        line = before.count("\n") + 1
        column = error.position - (before.rfind("\n") + 1) + 1
        return (
            f"is not valid YAML at line {line}, column {column}: control characters are not allowed"
        )
    mark = getattr(error, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(error, "problem", None) or str(error)
    what = "cannot be read" if isinstance(error, _TooDeep) else "is not valid YAML"
    return f"{what}{where}: {problem}"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ScenarioFileError(
            f"is not UTF-8 text: byte 0x{data[error.start]:02x} at line {line}, column {column}"
        ) from None


def read_text(path: Path) -> str:
    """The file's text, refused by its size before it is read."""
    limit = settings.GEMCARE_SCENARIO_MAX_BYTES
    too_big = f"is over {limit:,} bytes, the most a scenario file may have"
    try:
        if path.stat().st_size > limit:
            raise ScenarioFileError(f"{too_big} ({path.stat().st_size:,} bytes)")
        with path.open("rb") as file:
            data = file.read(limit + 1)  # a file that grew, or is not a regular file
    except OSError as error:
        raise ScenarioFileError(f"cannot be read: {error.strerror}") from None
    if len(data) > limit:
        raise ScenarioFileError(too_big)
    return _decode(data)


def _construct(loader, node: Node, text: str) -> object:
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise ScenarioFileError(_yaml_problem(error, text)) from None
    except (ValueError, OverflowError) as error:
        # PyYAML builds a date such as 2024-13-45 or an integer of 5,000 digits with
        # Python's own types, which refuse them with these.
        node = getattr(loader, "last_node", None)
        at = f" at line {_line(node)}" if node is not None else ""
        reason = str(error).split(";")[0][:100]
        raise ScenarioFileError(f"holds a value that cannot be read{at}: {reason}") from None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Composing allocates a small object per value and event, and Python's cycle collector
    would walk them again and again (about a third of the time on a 1 MB file); what a file
    allocates is bounded by its size, so collecting can wait until the file is read."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_documents(path: Path) -> list[ScenarioSource]:
    """The file's documents, each a scenario or a problem; an error in the YAML itself ends
    the file there (the parser cannot go on), the documents before it still play."""
    try:
        text = read_text(path)
    except ScenarioFileError as error:
        return [ScenarioSource(path, 1, None, str(error))]
    with _collector_paused():
        return _documents(path, text)


def _documents(path: Path, text: str) -> list[ScenarioSource]:
    sources: list[ScenarioSource] = []
    try:
        loader = _Loader(text)
    except yaml.YAMLError as error:  # the pure-Python reader checks every character first
        return [ScenarioSource(path, 1, None, _yaml_problem(error, text))]
    try:
        while True:
            index = len(sources) + 1
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
            except yaml.YAMLError as error:
                sources.append(ScenarioSource(path, index, None, _yaml_problem(error, text)))
                break
            try:
                check_node_graph(node)
                document = _construct(loader, node, text)
            except ScenarioFileError as error:
                sources.append(ScenarioSource(path, index, None, str(error)))
                continue
            if document is None:
                continue
            if isinstance(document, dict):
                sources.append(ScenarioSource(path, index, document))
            else:
                sources.append(
                    ScenarioSource(path, index, None, "a scenario must be a mapping of keys")
                )
    finally:
        loader.dispose()
    if not sources:
        sources.append(ScenarioSource(path, 1, None, "holds no scenario"))
    return sources


def scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"}))
        else:
            files.append(path)
    return files


def load_scenarios(paths: Iterable[str | Path]) -> list[ScenarioSource]:
    sources: list[ScenarioSource] = []
    for path in scenario_files(paths):
        try:
            sources.extend(read_documents(path))
        except (MemoryError, RecursionError) as error:
            # The bounds above should keep these from happening; if one does, it is this
            # file that fails, not the run.
            problem = f"cannot be read: {type(error).__name__}"
            sources.append(ScenarioSource(path, 1, None, problem))
    return sources

"""Forms read into the schemas the API uses: one validation, at the edge, for every door.

A page's form names its inputs after the schema's fields, with dots for nesting and a row
number for lists: `holder.name`, `item.price`, `lines.0.service`, `lines.0.cost`.
`form_read(SaleIn, request.POST, nested=["item", "holder"], lists=["lines"])` turns them
into the nested dict and reads it with `validate_input`; there is no Django form and no
second set of rules. A failed read raises `InvalidInput` whose fields are the form's names,
and `form_errors` gives the message for each, to show beside its input; the page is shown
again with what was typed (`FormState`) and status 422, and nothing is written.

How form values become input:
- A text box left empty is left out, so the schema's default applies (an optional date, a
  code or an amount is not "invalid" for being blank). Names in `blank` keep "" instead
  (a field a change form may clear).
- `booleans` are checkboxes: the `{% field ... type="checkbox" %}` tag sends "false" from a
  hidden input before the box, so an unticked box is False, not missing; the last value
  wins. In rows, a name may stand for every row with `*`: `lines.*.urgent`.
- `lists` are lists: repeated values of one name (a group of checkboxes) or numbered rows.
  Rows left wholly blank are dropped (a form may offer more rows than needed), and errors
  name rows by the numbers the form gave them. A list with nothing in it is [].
- `nested` are sub-objects that are always there, as {} when every input in them is blank,
  so the errors name their fields (`item.kind is required`). A sub-object not listed is
  left out when blank: an optional one (`gift_recipient`) is then None.
- Names that are not well formed (`a..b`, `lines.x9`, a row number past MAX_ROWS) are
  refused as unknown fields, and so is any name the schema does not have.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gemcare.common.errors import CommonError, InvalidInput
from gemcare.common.schemas import validate_input

# The most rows one list of a form may have (its highest row number is one less).
MAX_ROWS = 500
MAX_DEPTH = 8
IGNORED = frozenset({"csrfmiddlewaretoken"})
TRUE_VALUES = frozenset({"on", "true", "1", "yes"})

_NAME_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}|\d{1,6}")
_BRACKETS = re.compile(r"\[(\d+)\]")


def _values(post: Mapping, name: str) -> list:
    getlist = getattr(post, "getlist", None)
    if getlist is not None:
        return list(getlist(name))
    value = post[name]
    return list(value) if isinstance(value, list | tuple) else [value]


def _pattern(name: str) -> str:
    """A name with its row numbers as `*`: how `booleans` and `lists` name every row."""
    return ".".join("*" if part.isdigit() else part for part in name.split("."))


def _unknown(name: str) -> InvalidInput:
    return InvalidInput(name, None, "is not a known field", code=CommonError.UNKNOWN_FIELD)


class _Rows(dict):
    """Numbered rows while reading: row number -> row, made a list at the end."""


def _put(tree: dict, name: str, value: Any) -> None:
    parts = name.split(".")
    if len(parts) > MAX_DEPTH or not all(_NAME_PART.fullmatch(part) for part in parts):
        raise _unknown(name)
    if parts[0].isdigit():
        raise _unknown(name)
    node = tree
    for position, part in enumerate(parts):
        key: Any = int(part) if part.isdigit() else part
        if isinstance(key, int) and key >= MAX_ROWS:
            raise InvalidInput(
                ".".join(parts[:position]), None, f"has too many entries (at most {MAX_ROWS})"
            )
        if isinstance(key, int) != isinstance(node, _Rows):
            raise _unknown(name)
        last = position == len(parts) - 1
        if last:
            if key in node:
                raise _unknown(name)
            node[key] = value
            return
        child_kind = _Rows if parts[position + 1].isdigit() else dict
        child = node.setdefault(key, child_kind())
        if not isinstance(child, dict) or type(child) is not child_kind:
            raise _unknown(name)
        node = child


def _ensure(tree: dict, name: str, empty: Any) -> None:
    """Make `name` (a sub-object or a list, possibly under rows: `lines.*.x`) present."""
    parts = name.split(".")

    def walk(node: Any, index: int) -> None:
        part = parts[index]
        if part == "*":
            if isinstance(node, _Rows):
                for child in node.values():
                    walk(child, index + 1)
            return
        if not isinstance(node, dict) or isinstance(node, _Rows):
            return
        if index == len(parts) - 1:
            node.setdefault(part, _Rows() if empty == [] else {})
            return
        if part in node:
            walk(node[part], index + 1)

    walk(tree, 0)


def _finish(node: Any, path: str, renumbered: dict[str, int]) -> Any:
    """Rows into lists (blank rows dropped, the form's numbers remembered by position)."""
    if isinstance(node, _Rows):
        rows = []
        for number in sorted(node):
            row = node[number]
            if isinstance(row, dict) and not row:
                continue
            renumbered[f"{path}[{len(rows)}]"] = number
            rows.append(_finish(row, f"{path}[{len(rows)}]", renumbered))
        return rows
    if isinstance(node, dict):
        return {
            key: _finish(value, f"{path}.{key}" if path else key, renumbered)
            for key, value in node.items()
        }
    return node


def form_data(
    post: Mapping,
    *,
    lists: Iterable[str] = (),
    nested: Iterable[str] = (),
    booleans: Iterable[str] = (),
    blank: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> tuple[dict, dict[str, int]]:
    """The nested input a form's flat names stand for, and for each list entry (as the
    schema's errors name it, `lines[0]`) the row number the form gave it."""
    lists, nested, booleans, blank = (
        frozenset(names) for names in (lists, nested, booleans, blank)
    )
    ignored = IGNORED | frozenset(ignore)
    tree: dict = {}
    for name in post:
        if name in ignored:
            continue
        values = _values(post, name)
        pattern = _pattern(name)
        if pattern in lists:
            value: Any = [item for item in values if item != ""]
        elif pattern in booleans:
            value = str(values[-1]).strip().lower() in TRUE_VALUES if values else False
        else:
            value = values[-1] if values else ""
            if value == "" and pattern not in blank:
                continue
        _put(tree, name, value)
    for name in sorted(nested, key=lambda name: name.count(".")):
        _ensure(tree, name, {})
    for name in lists:
        _ensure(tree, name, [])
    renumbered: dict[str, int] = {}
    return _finish(tree, "", renumbered), renumbered


def form_name(field: str | None, renumbered: Mapping[str, int] | None = None) -> str:
    """The form's name for a field as an error names it: `lines[1].cost` -> `lines.1.cost`,
    with the row number the form gave each entry (`renumbered`, from `form_data`) when blank
    rows before it were dropped."""
    if not field:
        return ""
    parts, position = [], 0
    for match in _BRACKETS.finditer(field):
        number = (renumbered or {}).get(field[: match.end()], int(match.group(1)))
        parts.append(f"{field[position : match.start()]}.{number}")
        position = match.end()
    parts.append(field[position:])
    return "".join(parts)


def form_read[S](
    schema: type[S],
    post: Mapping,
    *,
    lists: Iterable[str] = (),
    nested: Iterable[str] = (),
    booleans: Iterable[str] = (),
    blank: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> S:
    """Read a submitted form into `schema` (see the module for how values are read).
    Raises InvalidInput naming fields by the form's own names."""
    data, renumbered = form_data(
        post, lists=lists, nested=nested, booleans=booleans, blank=blank, ignore=ignore
    )
    try:
        return validate_input(schema, data)
    except InvalidInput as error:
        errors = [
            {**item, "field": form_name(item.get("field"), renumbered)} for item in error.errors
        ]
        first = errors[0]
        raise InvalidInput(
            first["field"], error.value, first["message"], code=first["code"], errors=errors
        ) from None


def form_errors(invalid: InvalidInput) -> dict[str, str]:
    """The message to show beside each input, by the input's name (the first one for a
    field with several)."""
    found: dict[str, str] = {}
    for item in invalid.errors or []:
        name = form_name(item.get("field")) or "input"
        found.setdefault(name, item.get("message") or invalid.message)
    return found


@dataclass
class FormState:
    """What a form shows: the values (as typed, or the record's for a new form) and the
    error beside each field. `{% field %}` reads the one named `form` in the context."""

    values: Mapping = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        values = self.values
        getlist = getattr(values, "getlist", None)
        if getlist is not None:
            found = getlist(name)
            return found[-1] if found else ""
        value = values.get(name, "")
        return "" if value is None else value

    def checked(self, name: str) -> bool:
        value = self.value(name)
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in TRUE_VALUES

    def selected(self, name: str) -> list[str]:
        """The values of a group of checkboxes (or a multiple select)."""
        getlist = getattr(self.values, "getlist", None)
        if getlist is not None:
            return [str(item) for item in getlist(name)]
        value = self.values.get(name, [])
        return [str(item) for item in (value if isinstance(value, list | tuple) else [value])]

    def error(self, name: str) -> str:
        return self.errors.get(name, "")

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

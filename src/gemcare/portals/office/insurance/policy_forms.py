"""What the policy pages of both portals share: the quote and bind form, read into the
insurance schemas, and the choices it offers from the rating in force.

The form names its inputs after `PolicyBindIn`: `state`, `deductible`, `start`,
`named_insureds.0.name`, `items.0.limit`... so that `form_read` reads it and every error
lands beside its input. The live premium reads the same inputs into `PolicyQuoteIn` (the
state, the deductible, every item's limit, the installments) and asks `policy_quote`: the
pages never price anything themselves.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from gemcare.catalog.selectors import insurance_rating_current, insurance_rating_of
from gemcare.common.errors import InvalidInput, NotFound
from gemcare.common.schemas import validate_input
from gemcare.insurance.schemas import (
    DEFAULT_PRODUCT,
    PolicyQuoteIn,
    ScheduledItemIn,
)
from gemcare.portals.web import form_name
from gemcare.portals.web.forms import form_data
from gemcare.rules import vocabulary
from gemcare.rules.insurance import PremiumQuote

NAMED_INSURED_ROWS = 3
ITEM_ROWS = 5
LISTS = ["named_insureds", "items"]
BOOLEANS = ["value_adjustment"]
STATES = sorted(vocabulary.US_STATES)
KINDS = sorted(vocabulary.INSURANCE_ITEM_KINDS)
# Item inputs beyond the basic five, drawn when the schema takes them.
ITEM_DETAILS = (
    ("appraisal_value", "Appraisal value", "In dollars, as on the appraisal"),
    ("appraised_on", "Appraised on", ""),
    ("serial_number", "Serial number", ""),
    ("grading_report_number", "Grading report number", "GIA or another laboratory's"),
)


@dataclass(frozen=True, slots=True)
class Choices:
    """What the form offers, from the rating in force."""

    states: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    deductibles: list[tuple[str, str]]
    installments: list[tuple[str, str]]


def choices() -> Choices:
    try:
        rating = insurance_rating_of(insurance_rating_current(code=DEFAULT_PRODUCT))
        deductibles = sorted(rating.deductible_factors)
        counts = sorted(rating.installment_counts) or [1]
        fee = rating.installment_fee
    except NotFound:  # no rating published yet: the bind itself will say so
        deductibles, counts, fee = [], [1], None
    return Choices(
        states=[(state, state) for state in STATES],
        kinds=[(kind, kind.replace("_", " ").capitalize()) for kind in KINDS],
        deductibles=[(f"{amount:.2f}", f"${amount:,.0f}") for amount in deductibles],
        installments=[
            (
                str(count),
                "Pay in full"
                if count == 1
                else f"{count} monthly installments" + (f" (+${fee:,.2f} each)" if fee else ""),
            )
            for count in counts
        ],
    )


def item_details() -> list[tuple[str, str, str]]:
    """The item inputs past kind, description, limit and possession that the schema takes."""
    return [detail for detail in ITEM_DETAILS if detail[0] in ScheduledItemIn.model_fields]


def rows(prefix: str, count: int, names: list[str]) -> list[dict[str, str]]:
    """The form's names for each row: `rows("items", 2, ["ref"])` ->
    `[{"ref": "items.0.ref"}, {"ref": "items.1.ref"}]`."""
    return [{name: f"{prefix}.{row}.{name}" for name in names} for row in range(count)]


def bind_rows() -> dict:
    return {
        "insured_rows": rows(
            "named_insureds", NAMED_INSURED_ROWS, ["name", "email", "date_of_birth"]
        ),
        "item_rows": rows(
            "items",
            ITEM_ROWS,
            ["ref", "kind", "description", "limit", "possessed_by"]
            + [name for name, _, _ in item_details()],
        ),
        "item_details": item_details(),
    }


def bind_read[S](schema: type[S], post: Mapping, *, ignore=()) -> S:
    """Read the bind form into `schema` (`PolicyBindIn` or a door's own kind of it)."""
    data, renumbered = form_data(post, lists=LISTS, booleans=BOOLEANS, ignore=ignore)
    try:
        return validate_input(schema, data)
    except InvalidInput as error:
        raise renamed(error, renumbered) from None


def renamed(error: InvalidInput, renumbered: Mapping[str, int] | None = None) -> InvalidInput:
    """The error with its fields named as the form names them (`items[1].ref` ->
    `items.1.ref`), whether the schema or the service found it."""
    errors = [{**item, "field": form_name(item.get("field"), renumbered)} for item in error.errors]
    first = errors[0]
    return InvalidInput(first["field"], None, first["message"], code=first["code"], errors=errors)


@dataclass(frozen=True, slots=True)
class LiveQuote:
    quote: PremiumQuote | None
    problems: dict[str, str]  # what to fill in before a premium can be given


def quote_input(post: Mapping) -> PolicyQuoteIn:
    """The quote the bind form asks for: its state, deductible, installments and limits."""
    data, _ = form_data(post, lists=LISTS, booleans=BOOLEANS)
    limits = [
        item["limit"]
        for item in data.get("items", [])
        if isinstance(item, dict) and "limit" in item
    ]
    values = {"limits": limits}
    for name in ("state", "deductible", "installments"):
        if name in data:
            values[name] = data[name]
    return validate_input(PolicyQuoteIn, values)

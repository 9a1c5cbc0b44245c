"""The shape of a scenario document (RULEBOOK §8), checked before anything plays.

Only the top level is read here: what an event carries is read by the same input models
the API uses, when the event plays, so a scenario is held to the API's rules. A date here is
only a date: whether it may lie ahead is the services' question, asked on the scenario's own
clock.
"""

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from gemcare.common.errors import InvalidInput
from gemcare.common.schemas import InputSchema, invalid, text, validate_input
from gemcare.rules import vocabulary
from gemcare.rules.dates import parse_date
from gemcare.rules.errors import RuleInputError
from gemcare.scenarios.loading import MAX_NAME

MAX_EVENTS = 1_000


def _state(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in vocabulary.US_STATES:
        raise invalid("is not a US state")
    return value


def _date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) > 32:
        raise invalid("is not a date (expected YYYY-MM-DD)")
    try:
        return parse_date(value, field="")
    except RuleInputError as error:
        raise invalid(error.message) from None


def _mapping(value: object) -> dict | None:
    if value is not None and not isinstance(value, dict):
        raise invalid("must be a mapping of keys")
    return value


Mapping = Annotated[dict[Any, Any] | None, BeforeValidator(_mapping)]


class ScenarioIn(InputSchema):
    name: text(MAX_NAME, min_length=1) | None = None
    product: text(64, min_length=1) | None = None
    policy: Mapping = None
    state: Annotated[str | None, BeforeValidator(_state)] = None
    purchased: Annotated[dt.date | None, BeforeValidator(_date)] = None
    item: Mapping = None
    # Each event is read when it plays: its position then names it (events[1] is the first).
    events: Annotated[list[Any], Field(min_length=1, max_length=MAX_EVENTS)]


def scenario_read(data: object) -> ScenarioIn:
    """The scenario's top level, or InvalidInput naming the first key that is wrong."""
    try:
        scenario = validate_input(ScenarioIn, data)
    except InvalidInput as error:
        if error.message != "is required" and not error.field.startswith("events"):
            raise
        # What a missing key "got" is the whole document, and the events are a long list:
        # say only what is wrong.
        raise InvalidInput(error.field, None, error.message, errors=error.errors) from None
    if (scenario.policy is None) == (scenario.product is None):
        raise InvalidInput("product", None, "a scenario names either `product` or `policy`")
    if scenario.product is not None:
        for key in ("state", "purchased", "item"):
            if getattr(scenario, key) is None:
                raise InvalidInput(key, None, "is required in a plan scenario")
    return scenario

"""What the partner API's OpenAPI document cannot say, told to Schemathesis
(.ci/run_schemathesis.py loads this module with SCHEMATHESIS_HOOKS).

Each hook is narrow and says why; none turns a check off. What they cover:

1. Dates. A date the API reads lies in a window the document cannot state (not before
   GEMCARE_EARLIEST_DATE, and a past date not after today; `format: date` has no bounds).
   Schema-valid dates are drawn from 2000-01-01 to yesterday; the negative phases still send
   malformed dates. A well-formed date the API refuses as `invalid` (the coverage phase sends
   its own) is dropped and written to SCHEMATHESIS_FINDINGS, with the field and the date.
2. Idempotency keys. The document cannot say "a new value for each new request"; a value
   Schemathesis repeats with another body is rightly refused (`idempotency_key_reused`).
   A well-formed generated key gets a unique suffix, so requests reach the endpoint's work.
3. Business rules. A schema-valid request the endpoint refuses with a 422 code that the
   document lists for that operation (e.g. `price_mismatch`: a plan price that is not the
   band price) is the documented answer, not a failure of "schema-valid data is accepted".
   A 422 `invalid` or `unknown_field` stays a failure: the document allowed what the API
   refuses as malformed.
4. A known gap in the document, reported, never silent: an Idempotency-Key header without
   the value's constraints (1 to 255 printable ASCII characters) in its schema. The endpoint's
   `idempotency_key_required` for such a value is dropped and written to
   SCHEMATHESIS_FINDINGS, which .ci/run_schemathesis.py prints. Once the document states the
   constraints, Schemathesis sends only such values and this no longer applies.
"""

import datetime as dt
import json
import os
import re
import uuid

import schemathesis
from hypothesis import strategies as st

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
SHAPE_CODES = {"invalid", "unknown_field", "malformed_json", "bad_request"}
_CODES = re.compile(r"`([a-z0-9_]+)`")

schemathesis.openapi.format(
    "date",
    st.dates(dt.date(2000, 1, 1), dt.date.today() - dt.timedelta(days=1)).map(dt.date.isoformat),
)


def _key_is_well_formed(value: object) -> bool:
    """The API's own rule (gemcare.common.idempotency.idempotency_key_checked)."""
    if not isinstance(value, str):
        return False
    key = value.strip()
    return 0 < len(key) <= KEY_MAX_LENGTH and key.isascii() and key.isprintable()


@schemathesis.hook
def map_case(context, case):
    headers = case.headers or {}
    value = headers.get(HEADER)
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    if not negative and _key_is_well_formed(value):
        suffix = f"-{uuid.uuid4().hex[:16]}"
        headers[HEADER] = value.strip()[: KEY_MAX_LENGTH - len(suffix)] + suffix
        case.headers = headers
    return case


def _documented_codes(operation, status: int) -> set[str]:
    answer = operation.definition.raw.get("responses", {}).get(str(status), {})
    return set(_CODES.findall(answer.get("description", "")))


def _header_schema(operation) -> dict | None:
    for parameter in operation.definition.raw.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("name") == HEADER:
            return parameter.get("schema", {})
    return None


def _error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def _error_field(response) -> str | None:
    try:
        return response.json()["error"]["field"]
    except (ValueError, KeyError, TypeError):
        return None


def _sent_value(case, field: str | None) -> object:
    """The value the request sent for `field` (`holder.email`, `items[0].sold`), body first,
    then the query; None when it cannot be found."""
    if not field:
        return None
    steps = [int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", field)]
    for container in (case.body, case.query):
        node = container
        for step in steps:
            found = (isinstance(node, dict) and step in node) or (
                isinstance(node, list) and isinstance(step, int) and step < len(node)
            )
            node = node[step] if found else None
            if node is None:
                break
        if node is not None:
            return node
    return None


def _is_a_date(value: object) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _record(finding: dict) -> None:
    path = os.environ.get("SCHEMATHESIS_FINDINGS")
    if path:
        with open(path, "a") as findings:
            findings.write(json.dumps(finding) + "\n")


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    if failure.code != "ST202" or response is None or response.status_code != 422:
        return True
    operation = case.operation
    code = _error_code(response)
    if code is None:
        return True
    if code == "invalid" and _is_a_date(_sent_value(case, _error_field(response))):
        # A well-formed date refused as `invalid`: outside the window (1 above); the coverage
        # phase sends such dates whatever the format strategy says.
        _record(
            {
                "operation": operation.label,
                "check": "positive_data_acceptance (ST202)",
                "finding": "a date outside the API's window, which OpenAPI cannot state",
                "value": f"{_error_field(response)}={_sent_value(case, _error_field(response))}",
            }
        )
        return False
    if code == "idempotency_key_required":
        schema = _header_schema(operation)
        value = (case.headers or {}).get(HEADER)
        if value is not None and schema is not None and "pattern" not in schema:
            _record(
                {
                    "operation": operation.label,
                    "check": "positive_data_acceptance (ST202)",
                    "finding": "the Idempotency-Key header's schema does not state its "
                    "constraints (1 to 255 printable ASCII characters)",
                    "value": repr(value)[:60],
                }
            )
            return False
        return True
    # Keep the failure unless the code is one of the operation's documented business rules.
    return code not in _documented_codes(operation, 422) - SHAPE_CODES

"""Answers a partner may safely retry: the endpoint's work under an `Idempotency-Key`.

The work returns its answer as a `StoredResponse`; a refusal (an ApplicationError) is an
answer too, kept and replayed like a success, so a retry gets exactly what the first request
got. The kept answer names the records it made, never a holder's details.
"""

import json
from collections.abc import Callable, Sequence
from typing import Annotated

from django.http import HttpRequest, JsonResponse
from pydantic import WithJsonSchema

from gemcare.api import errors
from gemcare.api.auth import ApiCaller
from gemcare.common.errors import ApplicationError
from gemcare.common.idempotency import (
    KEY_MAX_LENGTH,
    StoredResponse,
    idempotency_key_checked,
    idempotent_call,
    request_fingerprint,
)
from gemcare.common.statements import BoundRead

REPLAYED_HEADER = "Idempotent-Replayed"

# What the header takes, as the OpenAPI document says it: 1 to 255 printable ASCII
# characters, not only spaces (`idempotency_key_checked` refuses anything else).
KEY_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": KEY_MAX_LENGTH,
    "pattern": r"^[ -~]*[!-~][ -~]*$",
}
IdempotencyKeyHeader = Annotated[str, WithJsonSchema(KEY_SCHEMA)]
OptionalIdempotencyKeyHeader = Annotated[str | None, WithJsonSchema(KEY_SCHEMA)]


def answer_of(request: HttpRequest, work: Callable[[], StoredResponse]) -> StoredResponse:
    """The work's answer, or its refusal in the API's error shape."""
    try:
        return work()
    except ApplicationError as error:
        refusal = errors.application_error_response(request, error)
        return StoredResponse(refusal.status_code, json.loads(refusal.content))


def idempotent_response(
    request: HttpRequest,
    auth: ApiCaller,
    key: str | None,
    work: Callable[[], StoredResponse],
    *,
    required: bool = False,
    reads: Sequence[BoundRead] = (),
) -> JsonResponse:
    """Run `work` once per Idempotency-Key (`key`, the header's value) of the caller's
    retailer and mode, replaying the first answer on a retry with `Idempotent-Replayed:
    true`. Without a key, a `required` endpoint answers `idempotency_key_required`; another
    runs the work as it is. `reads`: reads the work will make, made with the key's claim in
    one round trip (`gemcare.common.round_trips.reads_together`)."""
    if key is None and not required:
        answer, replayed = answer_of(request, work), False
    else:
        answer, replayed = idempotent_call(
            retailer_id=auth.caller.retailer_id,
            is_test=auth.is_test,
            key=idempotency_key_checked(key),
            fingerprint=request_fingerprint(request.method, request.path, request.body),
            respond=lambda: answer_of(request, work),
            reads=reads,
        )
    response = JsonResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    if replayed:
        response[REPLAYED_HEADER] = "true"
    return response

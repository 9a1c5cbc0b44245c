"""Every error the partner API answers, mapped once: `{"error": {"code", "message", "field"}}`.

The application's own errors keep their codes and statuses (InvalidInput 422, NotFound 404,
Refused 409). Input that ninja rejects before an endpoint runs is read in the same words as
`gemcare.common.schemas.validate_input`, naming the field. Nothing a client sends may end in
a 5xx: anything unforeseen is logged and answered as `internal_error`, and is a bug.
"""

import logging

import pydantic
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from gemcare.common.errors import ApplicationError, ErrorCode
from gemcare.common.idempotency import HEADER, KEY_RULE, IdempotencyError
from gemcare.common.schemas import _message, _where, error_code

logger = logging.getLogger("gemcare.api")


class ApiErrorCode(ErrorCode):
    UNAUTHORIZED = "unauthorized", "The request has no valid API key (Authorization: Bearer)."
    SCOPE_MISSING = "scope_missing", "The API key does not have the scope this endpoint needs."
    PAYLOAD_TOO_LARGE = "payload_too_large", "The request body is larger than the API accepts."
    RATE_LIMITED = "rate_limited", "Too many requests with this key: wait and retry."
    MALFORMED_JSON = "malformed_json", "The request body is not valid JSON."
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", "The request body must be JSON."
    BAD_REQUEST = "bad_request", "The request is not well formed."
    ROUTE_NOT_FOUND = "route_not_found", "There is no such endpoint."
    METHOD_NOT_ALLOWED = "method_not_allowed", "The endpoint does not take this method."
    INVALID = "invalid", "A value is not what the field takes."
    UNKNOWN_FIELD = "unknown_field", "The input names a field that does not exist."
    INTERNAL_ERROR = "internal_error", "Something went wrong on our side; it has been logged."


class ApiError(Exception):
    """An error the API answers directly (not one of the services' own)."""

    def __init__(
        self,
        status: int,
        code: ApiErrorCode,
        message: str | None = None,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = str(code)
        self.message = message or code.words
        self.field = field
        self.headers = headers or {}
        super().__init__(self.message)


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": str(code), "message": message, "field": field}}


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The one shape every error takes; also used by the middleware, outside ninja."""
    response = JsonResponse(error_body(code, message, field), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def unauthorized() -> HttpResponse:
    # One body for a missing, malformed, unknown or revoked key: nothing tells them apart.
    return error_response(
        401,
        ApiErrorCode.UNAUTHORIZED,
        ApiErrorCode.UNAUTHORIZED.words,
        headers={"WWW-Authenticate": 'Bearer realm="gemcare"'},
    )


# A required input whose absence has its own code, by where it is read from.
MISSING_CODES = {("header", HEADER): (IdempotencyError.KEY_REQUIRED, KEY_RULE)}

# Where ninja says an input came from; a body parameter also carries its own name.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def validation_fields(errors: list[dict]) -> list[dict]:
    """ninja's errors, each as {field, message, code}, in the words of `validate_input`."""
    found = []
    for item in errors:
        loc = tuple(item.get("loc") or ())
        own_code, own_message = MISSING_CODES.get(loc, (None, None))
        if own_code is not None and item.get("type") == "missing":
            found.append({"field": loc[-1], "message": own_message, "code": str(own_code)})
            continue
        if loc and loc[0] in _SOURCES:
            source, loc = loc[0], loc[1:]
            if source == "body" and loc and isinstance(loc[0], str):
                loc = loc[1:]
        kind = item.get("type", "")
        message = _message({"type": kind, "msg": item.get("msg", "is not valid"), **item})
        if kind in {"model_attributes_type", "model_type", "dict_type"}:
            message = "must be an object"
        if kind in {"json_invalid", "value_error.jsondecode"}:
            message = "is not valid JSON"
        found.append(
            {
                "field": _where(loc, "") if loc else "body",
                "message": message,
                "code": error_code(item),
            }
        )
    return found


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    found = validation_fields(exc.errors)
    if not found:
        return error_response(422, ApiErrorCode.INVALID, ApiErrorCode.INVALID.words)
    first = found[0]
    if first["message"] == "is not valid JSON":
        return error_response(400, ApiErrorCode.MALFORMED_JSON, ApiErrorCode.MALFORMED_JSON.words)
    return error_response(
        422, first["code"], f"{first['field']}: {first['message']}", first["field"]
    )


def application_error_response(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    message = exc.describe() if exc.field else exc.message
    return error_response(exc.http_status, exc.code, message, exc.field)


def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers)


def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return unauthorized()


def _authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(403, ApiErrorCode.SCOPE_MISSING, ApiErrorCode.SCOPE_MISSING.words)


def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    # ninja adds Retry-After (whole seconds) to the response this returns.
    return error_response(429, ApiErrorCode.RATE_LIMITED, ApiErrorCode.RATE_LIMITED.words)


_HTTP_CODES = {
    400: ApiErrorCode.BAD_REQUEST,
    401: ApiErrorCode.UNAUTHORIZED,
    403: ApiErrorCode.SCOPE_MISSING,
    404: ApiErrorCode.ROUTE_NOT_FOUND,
    405: ApiErrorCode.METHOD_NOT_ALLOWED,
    413: ApiErrorCode.PAYLOAD_TOO_LARGE,
    415: ApiErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ApiErrorCode.RATE_LIMITED,
}


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = _HTTP_CODES.get(exc.status_code, ApiErrorCode.BAD_REQUEST)
    if exc.status_code == 400 and "parse" in str(exc).lower():
        code = ApiErrorCode.MALFORMED_JSON
    status = exc.status_code if 400 <= exc.status_code < 500 else 400
    return error_response(status, code, code.words)


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, ApiErrorCode.ROUTE_NOT_FOUND, ApiErrorCode.ROUTE_NOT_FOUND.words)


def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(413, ApiErrorCode.PAYLOAD_TOO_LARGE, ApiErrorCode.PAYLOAD_TOO_LARGE.words)


def _pydantic_error(request: HttpRequest, exc: pydantic.ValidationError) -> HttpResponse:
    # A response that does not fit its schema is our bug, never the client's input.
    return _unexpected(request, exc)


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error(
        "unexpected error in request %s",
        getattr(request, "request_id", "-"),
        exc_info=exc,
    )
    return error_response(500, ApiErrorCode.INTERNAL_ERROR, ApiErrorCode.INTERNAL_ERROR.words)


def install(api) -> None:
    """Register every handler on `api` (the order of registration does not matter: ninja
    picks the handler of the closest class in the exception's ancestry)."""
    api.add_exception_handler(ApplicationError, application_error_response)
    api.add_exception_handler(ApiError, _api_error)
    api.add_exception_handler(NinjaValidationError, _validation_error)
    api.add_exception_handler(AuthenticationError, _authentication_error)
    api.add_exception_handler(AuthorizationError, _authorization_error)
    api.add_exception_handler(Throttled, _throttled)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(RequestDataTooBig, _too_big)
    api.add_exception_handler(pydantic.ValidationError, _pydantic_error)
    api.add_exception_handler(Exception, _unexpected)


class QuoteError(ErrorCode):
    EXPIRED = "quote_expired", "The quote has expired: ask for a new one."
    LINE_UNKNOWN = "quote_line_unknown", "The quote has no such line."
    NOT_OFFERED = "not_quoted", "The quote did not offer that product for that line."
    DUPLICATE_LINE = "duplicate_line_id", "Two lines of the cart have the same line_id."

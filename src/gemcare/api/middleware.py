"""What every API request goes through before ninja: a request id, and the body limit.

`X-Request-Id` is the client's own if it sent a sane one (so a POS can match its logs with
ours), else a new one; it is on every API response and in the request's log line with the
key's id. The log line never holds a query string or a body: they may carry personal data.
"""

import logging
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from gemcare.api.errors import ApiErrorCode, error_response

logger = logging.getLogger("gemcare.api")

API_PREFIX = "/api/"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_WITH_BODY = {"POST", "PUT", "PATCH"}
_JSON = re.compile(r"^application/([a-z0-9.+-]*\+)?json\s*(;.*)?$", re.IGNORECASE)


def request_id_of(request) -> str:
    given = request.headers.get("X-Request-Id", "")
    if _SANE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def _too_large(limit: int):
    return error_response(
        413,
        ApiErrorCode.PAYLOAD_TOO_LARGE,
        f"The request body is larger than the API accepts ({limit} bytes).",
    )


def _body_refusal(request):
    """An error response if the body is too large or not JSON, else None."""
    limit = settings.GEMCARE_API_MAX_BODY_BYTES
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit():
        return error_response(400, ApiErrorCode.BAD_REQUEST, "Content-Length is not a number.")
    if int(length) > limit:
        return _too_large(limit)
    try:
        body = request.body
    except RequestDataTooBig:
        return _too_large(limit)
    if len(body) > limit:
        return _too_large(limit)
    if request.method in _WITH_BODY and body and not _JSON.match(request.content_type or ""):
        return error_response(
            415,
            ApiErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "The request body must be JSON (Content-Type: application/json).",
        )
    return None


_FRAMING = {
    404: ApiErrorCode.ROUTE_NOT_FOUND,
    405: ApiErrorCode.METHOD_NOT_ALLOWED,
    413: ApiErrorCode.PAYLOAD_TOO_LARGE,
}


def _in_error_shape(response):
    """Django's own answers under /api/ (no such route, method not allowed) in the API's
    error shape, so a client parses every error alike."""
    status = response.status_code
    code = _FRAMING.get(status)
    if code is None:
        code = ApiErrorCode.BAD_REQUEST if status < 500 else ApiErrorCode.INTERNAL_ERROR
    shaped = error_response(status, code, code.words)
    if response.has_header("Allow"):
        shaped["Allow"] = response["Allow"]
    return shaped


class ApiRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        started = time.perf_counter()
        request.request_id = request_id_of(request)
        response = _body_refusal(request) or self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            response = _in_error_shape(response)
        response["X-Request-Id"] = request.request_id
        logger.info(
            "api %s %s %s %.1fms key=%s request_id=%s",
            request.method,
            request.path_info,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            getattr(request, "api_key_id", "-"),
            request.request_id,
        )
        return response

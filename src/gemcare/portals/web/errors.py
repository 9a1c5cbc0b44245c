"""The one mapping of the application's errors to pages.

A portal view calls selectors and services and lets their errors rise: `NotFound` becomes
the 404 page (another tenant's record reads exactly like one that does not exist),
`Refused` a 409 page with the code and its words, `InvalidInput` a 422 page naming the
field. A form view catches `InvalidInput` itself to show it beside the fields (`forms`);
what it does not catch lands here.

It is a middleware (`PortalErrorMiddleware`, in MIDDLEWARE) rather than a decorator, so no
page can forget it; it answers only for the portals' own URLs (their application
namespaces, below), so the partner API keeps its JSON errors and the admin its own handling.
For an htmx request the answer is the message alone, put in the page's message area
(`#messages`) instead of the part the request meant to replace.
"""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from gemcare.common.errors import ApplicationError, InvalidInput, NotFound, Refused

PORTAL_APPS = frozenset({"accounts", "jeweler", "customer", "office"})
MESSAGES_TARGET = "#messages"

_TITLES = {404: "Page not found", 409: "This cannot be done", 422: "Something to correct"}


def application_error_page(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    """The page for an application error raised by a portal view."""
    if isinstance(error, NotFound):
        status = 404
    elif isinstance(error, InvalidInput):
        status = 422
    elif isinstance(error, Refused):
        status = 409
    else:
        status = error.http_status if 400 <= error.http_status < 500 else 400
    context = {
        "status": status,
        "title": _TITLES.get(status, "This request cannot be answered"),
        # A record that is not the caller's reads exactly like one that does not exist
        # (NotFound's words are the same for both).
        "code": error.code,
        "message": error.message,
        "field": error.field if status == 422 else None,
    }
    htmx = bool(getattr(request, "htmx", False))
    template = "portals/_error_message.html" if htmx else "portals/error.html"
    response = HttpResponse(render_to_string(template, context, request=request), status=status)
    if htmx:
        response["HX-Retarget"] = MESSAGES_TARGET
        response["HX-Reswap"] = "innerHTML"
    return response


def is_portal_request(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and bool(PORTAL_APPS.intersection(match.app_names))


class PortalErrorMiddleware:
    """Turns an ApplicationError from a portal view into its page (see the module)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, ApplicationError) and is_portal_request(request):
            return application_error_page(request, exception)
        return None

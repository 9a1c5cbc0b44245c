"""The input of the webhook services, checked once at the edge."""

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator

from gemcare.common.schemas import InputSchema, bounded_list, code, invalid, max_length_of, text
from gemcare.webhooks.models import EVENTS, WebhookEndpoint


def _absolute_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise invalid("is not an absolute http(s) URL")
    if parts.username or parts.password:
        raise invalid("must not carry a user name or password")
    return value


Url = Annotated[
    text(max_length_of(WebhookEndpoint, "url"), min_length=1), AfterValidator(_absolute_url)
]


class EndpointIn(InputSchema):
    url: Url
    events: bounded_list(code(EVENTS, "webhook event"), max_items=len(EVENTS))

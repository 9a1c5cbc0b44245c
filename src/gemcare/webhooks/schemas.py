"""The input of the webhook services, checked once at the edge.

A URL is checked here for its form only: absolute, http(s), a host that can be a name or
an address, a port from 1 to 65535, no user name or password. Whether its host may be
reached at all (public addresses only) is the services' check, since it asks DNS
(gemcare.webhooks.addresses).
"""

import ipaddress
import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, WithJsonSchema

from gemcare.common.schemas import InputSchema, bounded_list, code, invalid, max_length_of, text
from gemcare.webhooks.models import EVENTS, WebhookEndpoint

# A host name (internationalised ones too) or an IPv4 address; IPv6 addresses come in
# brackets and are read by `ipaddress`.
_HOST_NAME = re.compile(r"[\w.-]+")


def _host_is_well_formed(host: str, *, bracketed: bool) -> bool:
    if bracketed or ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    if not _HOST_NAME.fullmatch(host) or host.startswith("."):
        return False
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return True


# A URL of the right form for JSON Schema may still not be one an endpoint takes (a user
# name in it, a malformed host): those are refused with this code, which the API lists.
URL_FORM = "webhook_url_malformed"


def _malformed(message: str):
    return invalid(message, code=URL_FORM)


def _absolute_url(value: str) -> str:
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise _malformed("is not an absolute http(s) URL") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _malformed("is not an absolute http(s) URL")
    if parts.username or parts.password:
        raise _malformed("must not carry a user name or password")
    if not _host_is_well_formed(parts.hostname, bracketed="[" in parts.netloc):
        raise _malformed("does not name a host")
    if port == 0:
        raise _malformed("has a port that is not from 1 to 65535")
    return value


_URL_MAX = max_length_of(WebhookEndpoint, "url")
Url = Annotated[
    text(_URL_MAX, min_length=1),
    AfterValidator(_absolute_url),
    WithJsonSchema(
        {
            "type": "string",
            "format": "uri",
            "pattern": "^https?://[^/?#@\\s]+([/?#][^\\s]*)?$",
            "minLength": 1,
            "maxLength": _URL_MAX,
            "examples": ["https://pos.example.com/gemcare/webhooks"],
        }
    ),
]


class EndpointIn(InputSchema):
    url: Url
    events: bounded_list(code(EVENTS, "webhook event"), max_items=len(EVENTS))

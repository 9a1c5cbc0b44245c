"""Signing deliveries the Standard Webhooks way (standardwebhooks.com).

Every request carries `webhook-id` (the delivery's `msg_…`, the same on each retry),
`webhook-timestamp` (Unix seconds) and `webhook-signature`: `v1,` and the base64 HMAC-SHA256
of `{id}.{timestamp}.{body}` under the endpoint's secret, `whsec_` and base64 of 32 random
bytes. The signing itself is the `standardwebhooks` package's, the same code a receiver can
verify with (docs/decisions/0015-webhooks.md).
"""

import base64
import datetime as dt
import secrets

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def webhook_id_generate() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def signed_headers(*, secret: str, webhook_id: str, body: str, at: dt.datetime) -> dict:
    """The three headers of one attempt; `body` is the exact text sent."""
    at = at.astimezone(dt.UTC)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=webhook_id, timestamp=at, data=body),
    }

"""The codes a webhook service refuses with, each with the words that explain it."""

from gemcare.common.errors import ErrorCode


class WebhookError(ErrorCode):
    UNKNOWN_EVENT = "unknown_event", "There is no such webhook event."
    URL_NOT_ALLOWED = (
        "webhook_url_not_allowed",
        "A webhook URL must be an absolute https:// address.",
    )
    NOT_ALLOWED = (
        "webhooks_not_allowed",
        "Webhook endpoints are managed by the retailer as a whole, not by one store.",
    )
    ENDPOINT_DISABLED = "webhook_endpoint_disabled", "The webhook endpoint is disabled."

"""The codes a webhook service refuses with, each with the words that explain it."""

from gemcare.common.errors import ErrorCode, Refused


class WebhookError(ErrorCode):
    UNKNOWN_EVENT = "unknown_event", "There is no such webhook event."
    URL_NOT_ALLOWED = (
        "webhook_url_not_allowed",
        "A webhook URL must be an absolute https:// address.",
    )
    URL_NOT_PUBLIC = (
        "webhook_url_not_public",
        "A webhook URL's host must resolve, and only to public internet addresses.",
    )
    NOT_ALLOWED = (
        "webhooks_not_allowed",
        "Webhook endpoints are managed by the retailer as a whole, not by one store.",
    )
    ENDPOINT_DISABLED = "webhook_endpoint_disabled", "The webhook endpoint is disabled."
    DELIVERY_IN_FLIGHT = (
        "webhook_delivery_in_flight",
        "An attempt of this delivery is being made now; replay it once that attempt is in "
        "the delivery's log (within two minutes).",
    )


class WebhooksNotAllowed(Refused):
    """A caller who may not manage webhooks at all (a key limited to one store): a matter
    of permission, not of a record's state, so it answers 403 rather than Refused's 409."""

    http_status = 403

    def __init__(self) -> None:
        super().__init__(WebhookError.NOT_ALLOWED, WebhookError.NOT_ALLOWED.words)

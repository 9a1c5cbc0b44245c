"""The shapes of the webhook endpoints of the partner API: queries in, endpoints and
deliveries out.

A delivery is shown with its payload, the exact event that was signed and sent. Payloads
carry no personal data by design (gemcare.webhooks.services: numbers, statuses, amounts,
dates; no holder, no email, no SSN, no bank account), and they are the retailer's own
records, so nothing is gained by hiding them and a retailer debugging its receiver needs
them. The secret of an endpoint is in the answer that creates it, and in no other.
"""

import datetime as dt

from ninja import Schema
from pydantic import Field

from gemcare.api.schemas import PAGE_MAX, Cursor
from gemcare.common.schemas import InputSchema, bounded_int, code
from gemcare.webhooks.models import EVENTS, STATUSES

DELIVERY_STATUSES = [status for status, _ in STATUSES]
# Ids are positive and, as the API reads them, at most twelve digits.
EndpointId = bounded_int(1, 999_999_999_999)

ENDPOINT_EXAMPLE = {
    "url": "https://pos.example.com/gemcare/webhooks",
    "events": ["contract.created", "claim.decided"],
}


class EndpointsQuery(InputSchema):
    limit: bounded_int(1, PAGE_MAX) = 50
    cursor: Cursor = ""


class DeliveriesQuery(InputSchema):
    endpoint: EndpointId | None = Field(
        default=None, description="Only the deliveries to this endpoint (its id)."
    )
    status: code(DELIVERY_STATUSES, "delivery status") | None = None
    event: code(EVENTS, "webhook event") | None = None
    limit: bounded_int(1, PAGE_MAX) = 50
    cursor: Cursor = ""


class EndpointOut(Schema):
    id: int = Field(examples=[12])
    url: str = Field(examples=["https://pos.example.com/gemcare/webhooks"])
    events: list[str] = Field(examples=[["claim.decided", "contract.created"]])
    is_active: bool = Field(description="False once disabled: it receives nothing more.")
    is_test: bool = Field(description="A test endpoint receives only test-mode events.")
    created_at: dt.datetime


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        description="The signing secret, shown in this answer only: store it now.",
    )


class EndpointsPageOut(Schema):
    endpoints: list[EndpointOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class AttemptOut(Schema):
    at: dt.datetime
    response_status: int | None = Field(
        examples=[200], description="Your receiver's HTTP status; null when none came."
    )
    response_ms: int = Field(examples=[182], description="How long the attempt took.")
    error: str | None = Field(
        examples=[None], description="What went wrong, in a few words; null on success."
    )


class DeliveryOut(Schema):
    webhook_id: str = Field(
        examples=["msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"],
        description="The `webhook-id` header: the same on every attempt and replay.",
    )
    endpoint: int = Field(examples=[12], description="The endpoint's id.")
    event: str = Field(examples=["claim.decided"])
    status: str = Field(examples=["delivered"], description="pending, delivered or failed.")
    attempt_count: int = Field(examples=[1])
    next_attempt_at: dt.datetime | None = Field(
        description="When the next attempt is due; null once delivered or failed."
    )
    created_at: dt.datetime
    payload: dict = Field(
        description="The event as sent: `type`, `timestamp` and `data` (no personal data).",
        examples=[
            {
                "type": "claim.decided",
                "timestamp": "2026-03-01T15:04:05.123456+00:00",
                "data": {"claim": "K7D2M9QXA", "contract": "C4HJ8T2WN", "status": "approved"},
            }
        ],
    )
    attempts: list[AttemptOut] = Field(description="Every attempt, oldest first.")


class DeliveriesPageOut(Schema):
    deliveries: list[DeliveryOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )

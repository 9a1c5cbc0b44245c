"""Webhooks: a retailer's endpoints, and the outbox of deliveries with every attempt.

A delivery is written in the same transaction as the change it reports (the outbox), so a
change that rolls back sends nothing and a committed one is never lost. Deliveries and their
attempts are a ledger: rows are appended; of a delivery only `status`, `attempts` (the count
of its attempt rows) and `next_attempt_at` change, and webhooks migration 0002 refuses every
other change in the database.
"""

from django.db import models

from gemcare.common.fields import EncryptedTextField

CONTRACT_CREATED = "contract.created"
CONTRACT_CANCELLED = "contract.cancelled"
CLAIM_DECIDED = "claim.decided"
CLAIM_COMPLETED = "claim.completed"
REFUND_PAID = "refund.paid"
EVENTS = (CONTRACT_CREATED, CONTRACT_CANCELLED, CLAIM_DECIDED, CLAIM_COMPLETED, REFUND_PAID)

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"
STATUSES = [(PENDING, "Pending"), (DELIVERED, "Delivered"), (FAILED, "Failed")]


class WebhookEndpoint(models.Model):
    retailer = models.ForeignKey(
        "partners.Retailer", on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="The event types this endpoint receives.")
    # `whsec_<base64>`: shown once when the endpoint is made, then only used to sign.
    secret = EncryptedTextField()
    is_active = models.BooleanField(default=True)
    # A test endpoint receives only test-mode events, a live one only live events.
    is_test = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["retailer", "is_test", "is_active"])]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    # The endpoint's retailer, kept so that a retailer's delivery list needs no join.
    retailer = models.ForeignKey(
        "partners.Retailer", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    event = models.CharField(max_length=32)
    # `msg_<random>`: the same on every attempt, so that a receiver can drop a repeat.
    webhook_id = models.CharField(max_length=40, unique=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due; while an attempt is under way, when it is given up for
    # lost (a worker that died mid-delivery). Empty once delivered or failed.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # While a worker sends an attempt: when that attempt is given up for lost. Empty between
    # attempts, so a replay knows not to send alongside one under way.
    attempting_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["retailer", "-id"], name="webhook_delivery_newest"),
            # The sweep: pending deliveries, the most overdue first.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status=PENDING),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.webhook_id}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.PROTECT, related_name="attempt_log"
    )
    at = models.DateTimeField()
    # The receiver's HTTP status; empty when no response came (refused, timed out).
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField()
    # What went wrong, in a few words; never the payload or the response body.
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.response_status or self.error}"

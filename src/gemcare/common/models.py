"""The audit log: one row per state change, written in the same transaction as the change."""

from django.conf import settings
from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("Audit entries are never changed.")

    def delete(self):
        raise ValueError("Audit entries are never deleted.")


class AuditEntry(models.Model):
    """Append-only: changing or deleting entries, one by one or in bulk, is refused."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(
        max_length=64,
        default="",
        help_text='Who acted: "user:12", "api_key:4", "system:contract_expiry".',
    )
    retailer = models.ForeignKey(
        "partners.Retailer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The tenant whose data changed; empty for the provider's own records.",
    )
    action = models.CharField(max_length=64)
    entity = models.CharField(max_length=32)
    entity_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["entity", "entity_id"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.entity} {self.entity_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are never deleted.")


class IdempotencyKey(models.Model):
    """A request a partner may retry safely: the first answer is kept and replayed.

    One row per tenant, mode (test keys never share a namespace with live ones) and key,
    written with the work's answer in the work's transaction; a concurrent request with the
    same key sees the claim at once through a lock (`gemcare.common.idempotency`). Rows "in
    flight" come from the earlier design, which committed the claim first.
    """

    IN_FLIGHT = "in_flight"
    DONE = "done"
    STATES = [(IN_FLIGHT, "In flight"), (DONE, "Done")]

    retailer = models.ForeignKey(
        "partners.Retailer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    is_test = models.BooleanField(default=False)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the method, path and canonical body."
    )
    state = models.CharField(max_length=16, choices=STATES, default=IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)
    # When the request now working on the key claimed it: a claim that outlives
    # GEMCARE_IDEMPOTENCY_IN_FLIGHT_SECONDS (its process died) may be taken over.
    claimed_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["retailer", "is_test", "key"], name="idempotency_key_per_tenant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"

"""Claims on plans.

A claim's lines and every decision on it are kept: the engine's first decision and each
adjuster's confirmation or change are `ClaimDecision` rows. The claim carries the decision in
force, so lists and reports need no joins.

A claim the rules deny may be reviewed by a person when its holder (or the jeweler who filed
it) asks, once (RULEBOOK 4): the request is kept on the claim (`review_requested_on`, its
reason, who asked) and `review_open` stays true until an adjuster decides. Photos of the
item are `ClaimPhoto` rows naming files in the default storage, never served publicly.
"""

from django.conf import settings
from django.db import models

from gemcare.common.fields import ZERO, MoneyField
from gemcare.contracts.models import Contract
from gemcare.partners.models import RepairCenter

AWAITING_REVIEW = "awaiting_review"
APPROVED = "approved"
DENIED = "denied"
RETURNED_TO_JEWELER = "returned_to_jeweler"
FULFILLED = "fulfilled"
STATUSES = [
    (AWAITING_REVIEW, "Awaiting review"),
    (APPROVED, "Approved, work may start"),
    (DENIED, "Denied"),
    (RETURNED_TO_JEWELER, "Returned to jeweler"),
    (FULFILLED, "Fulfilled"),
]
# A claim still open on its contract: waiting for its review, or approved with the work not
# yet done. Denied, returned-to-jeweler and fulfilled claims are decided and closed.
OPEN_STATUSES = frozenset({AWAITING_REVIEW, APPROVED})
TRANSITIONS = {
    AWAITING_REVIEW: {APPROVED, DENIED},
    APPROVED: {FULFILLED},
    # Only through an adjuster's review of a denial whose holder asked for a person.
    DENIED: {APPROVED},
    RETURNED_TO_JEWELER: set(),
    FULFILLED: set(),
}

IN_STORE = "in_store"
REPAIR_CENTER = "repair_center"
ROUTES = [(IN_STORE, "Repair in store"), (REPAIR_CENTER, "Shipped to a repair center")]


class Claim(models.Model):
    JEWELER = "jeweler"
    CUSTOMER = "customer"

    number = models.CharField(max_length=16, unique=True)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="claims")
    # The contract's retailer, kept on the claim so a tenant's claim lists need no join.
    retailer = models.ForeignKey(
        "partners.Retailer", on_delete=models.PROTECT, related_name="claims", db_index=False
    )
    filed_on = models.DateField()
    incident_on = models.DateField()
    cause = models.CharField(max_length=32)
    repairable = models.BooleanField(default=True)
    maintenance_done = models.BooleanField(default=True)
    channel = models.CharField(
        max_length=16, choices=[(JEWELER, "Jeweler"), (CUSTOMER, "Customer")], default=JEWELER
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=24, choices=STATUSES)
    # The decision in force (its history is in ClaimDecision).
    decision = models.CharField(max_length=24)
    reason_code = models.CharField(max_length=40, blank=True)
    approved = MoneyField(default=ZERO)
    holder_share = MoneyField(default=ZERO)
    remaining_limit = MoneyField(null=True, blank=True)
    fulfilment = models.CharField(max_length=16, blank=True)
    needs_review = models.BooleanField(default=False)
    route = models.CharField(max_length=16, choices=ROUTES, blank=True)
    repair_center = models.ForeignKey(
        RepairCenter, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    # A person's review of the rules' denial, asked for once by the holder or the jeweler.
    review_requested_on = models.DateField(null=True, blank=True)
    review_request_reason = models.CharField(max_length=1000, blank=True, default="", db_default="")
    review_requested_by = models.CharField(max_length=64, blank=True, default="", db_default="")
    # Asked for and not yet decided by an adjuster.
    review_open = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The denials waiting for a person's review, oldest first (the adjuster queue).
            models.Index(
                fields=["filed_on", "id"],
                condition=models.Q(review_open=True),
                name="claim_review_requested",
            ),
            # The adjuster queue, oldest first; the 60-day unpaid list.
            models.Index(
                fields=["filed_on", "id"],
                condition=models.Q(status=AWAITING_REVIEW),
                name="claim_review_queue",
            ),
            # With claim_review_queue, the 60-day unpaid list (awaiting review or approved).
            models.Index(
                fields=["filed_on", "id"],
                condition=models.Q(status=APPROVED),
                name="claim_approved_unpaid",
            ),
            # A retailer's claim lists, newest first, by status.
            models.Index(fields=["retailer", "status", "filed_on"]),
        ]

    def __str__(self) -> str:
        return self.number


class ClaimLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    service = models.CharField(max_length=40)
    estimated_cost = MoneyField()
    sizes = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.CharField(max_length=16)
    approved = MoneyField()
    reason_code = models.CharField(max_length=40)
    reason_words = models.CharField(max_length=300)

    class Meta:
        ordering = ["claim", "position"]

    def __str__(self) -> str:
        return f"line {self.position + 1}: {self.service}"


class ClaimDecision(models.Model):
    ENGINE = "engine"
    ADJUSTER = "adjuster"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="decisions")
    decided_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=16, choices=[(ENGINE, "Rules"), (ADJUSTER, "Adjuster")])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=24)
    reason_code = models.CharField(max_length=40, blank=True)
    approved = MoneyField()
    holder_share = MoneyField()
    remaining_limit = MoneyField(null=True, blank=True)
    fulfilment = models.CharField(max_length=16, blank=True)
    needs_review = models.BooleanField(default=False)
    status = models.CharField(max_length=24)
    explanation = models.JSONField(default=list)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} decision: {self.decision}"


# The most photos one claim may carry.
MAX_PHOTOS_PER_CLAIM = 10


class ClaimPhoto(models.Model):
    """A photo of the claimed item, checked and stripped of its metadata on the way in
    (gemcare.common.uploads). `stored_name` names it in the default storage; it is read only
    through a page that checks the caller may see the claim."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="photos")
    stored_name = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The caller's label, as the audit log shows it ("user:12", "holder:4").
    uploaded_by = models.CharField(max_length=64)

    class Meta:
        ordering = ["claim", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.claim_id}"


class Reimbursement(models.Model):
    """What the jeweler is paid for the work: the actual cost, at most the approved amount."""

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="reimbursement")
    actual_cost = MoneyField()
    amount = MoneyField()
    completed_on = models.DateField()
    # The jeweler's invoice for the work, as the jeweler numbers it (the partner API requires
    # it; work recorded elsewhere before it was asked for has none).
    invoice_number = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.amount} reimbursed on {self.completed_on}"

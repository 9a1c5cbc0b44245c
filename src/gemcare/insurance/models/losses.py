"""Losses on a policy, from the report to the settlement (RULEBOOK 6.1).

A `Loss` row holds where the loss stands (its status, the facts, the settlement in force and
every clock) so that the deadlines board and the pages read it in one query. Each step of its
life is also a `LossEvent`, written once and never changed: the report, the request for proof
of loss, the agreed amount with every settlement step, the appraisal's demand, appraisers,
umpire and award, the settlement by repair, replacement or payment, a recovery, the closing.
The current-state columns are changed only by `gemcare.insurance.services.losses` and
`loss_*`, in the same transaction as the event that explains the change.
"""

from django.db import models

from gemcare.common.fields import MoneyField
from gemcare.insurance.models.policies import AppendOnly, Policy, ScheduledItem


class Loss(models.Model):
    """A loss, its settlement as the rules gave it, and every deadline kept on it."""

    REPORTED = "reported"
    PROOF_REQUESTED = "proof_requested"
    APPRAISAL = "appraisal"
    AGREED = "agreed"
    SETTLED = "settled"
    CLOSED = "closed"
    DENIED = "denied"
    STATUSES = [
        (REPORTED, "Reported"),
        (PROOF_REQUESTED, "Proof of loss requested"),
        (APPRAISAL, "In appraisal"),
        (AGREED, "Amount agreed"),
        (SETTLED, "Settled"),
        (CLOSED, "Closed"),
        (DENIED, "Denied"),
    ]
    # The only status changes there are; anything else is refused with `illegal_transition`.
    TRANSITIONS = {
        REPORTED: {PROOF_REQUESTED, APPRAISAL, AGREED, DENIED},
        PROOF_REQUESTED: {APPRAISAL, AGREED, DENIED},
        APPRAISAL: {AGREED, DENIED},
        AGREED: {SETTLED},
        SETTLED: {CLOSED},
        CLOSED: set(),
        DENIED: set(),
    }
    # While a loss is in one of these, its amount is not yet established.
    OPEN_FOR_AMOUNT = frozenset({REPORTED, PROOF_REQUESTED, APPRAISAL})

    REPAIR = "repair"
    REPLACEMENT = "replacement"
    PAYMENT = "payment"
    SETTLEMENTS = [(REPAIR, "Repair"), (REPLACEMENT, "Replacement"), (PAYMENT, "Payment")]

    STAFF = "staff"
    CUSTOMER = "customer"
    CHANNELS = [(STAFF, "Staff"), (CUSTOMER, "Customer site")]

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="losses")
    item = models.ForeignKey(
        ScheduledItem, null=True, blank=True, on_delete=models.PROTECT, related_name="losses"
    )
    status = models.CharField(max_length=16, choices=STATUSES, default=REPORTED)
    channel = models.CharField(max_length=16, choices=CHANNELS, default=STAFF)
    newly_acquired_on = models.DateField(null=True, blank=True)
    loss_on = models.DateField()
    known_on = models.DateField(help_text="When the insured first knew of the loss.")
    reported_on = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="What happened, in the insured's words.")
    police_report = models.CharField(
        max_length=64, blank=True, help_text="The police report's number, for a theft."
    )
    item_serial = models.CharField(max_length=64, blank=True, verbose_name="serial number")
    item_grading_report = models.CharField(max_length=64, blank=True)
    peril = models.CharField(max_length=40)
    repair = models.CharField(max_length=40, blank=True)
    cost = MoneyField(
        null=True, blank=True, help_text="Cost to repair or replace with like kind and quality."
    )
    service_plan_due = MoneyField(default=0)
    paid_by_others = MoneyField(default=0)
    other_insurance_limits = MoneyField(default=0)
    pair_set_amount = MoneyField(null=True, blank=True)
    period_start = models.DateField(help_text="The policy period the loss was settled in.")
    period_end = models.DateField(help_text="Its end, or the cancellation date.")
    covered = models.BooleanField(null=True, blank=True)
    reason_code = models.CharField(max_length=40, blank=True)
    reason_words = models.TextField(blank=True)
    payout = MoneyField(default=0)
    item_removed = models.BooleanField(default=False)
    refund = MoneyField(default=0, help_text="Unearned premium returned for a removed item.")
    steps = models.JSONField(default=dict, blank=True)
    proof_requested_on = models.DateField(null=True, blank=True)
    proof_of_loss_due = models.DateField(null=True, blank=True)
    amount_agreed_on = models.DateField(null=True, blank=True)
    payment_due = models.DateField(null=True, blank=True)
    appraisal_demanded_on = models.DateField(null=True, blank=True)
    appraisal_demanded_by = models.CharField(max_length=8, blank=True)
    insured_appraiser = models.CharField(max_length=200, blank=True)
    insured_appraiser_named_on = models.DateField(null=True, blank=True)
    insurer_appraiser = models.CharField(max_length=200, blank=True)
    insurer_appraiser_named_on = models.DateField(null=True, blank=True)
    appraiser_named_by = models.DateField(null=True, blank=True)
    umpire = models.CharField(max_length=200, blank=True)
    umpire_named_on = models.DateField(null=True, blank=True)
    umpire_chosen_by = models.DateField(null=True, blank=True)
    settled_by = models.CharField(max_length=16, choices=SETTLEMENTS, blank=True)
    settled_on = models.DateField(null=True, blank=True)
    jeweler = models.ForeignKey(
        "partners.Retailer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="insurance_losses",
        help_text="The approved jeweler who repairs or replaces the item.",
    )
    recovered_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    plan_contract = models.ForeignKey(
        "contracts.Contract",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="insurance_losses",
        help_text="A Gemcare plan that also covers the item: it pays first.",
    )
    plan_claim = models.ForeignKey(
        "claims.Claim",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="insurance_losses",
    )
    suit_by = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "losses"
        ordering = ["-loss_on", "-id"]
        indexes = [
            models.Index(fields=["suit_by"]),
            models.Index(fields=["status", "id"], name="loss_status_id"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} {self.peril} {self.loss_on}"

    @property
    def is_open_for_amount(self) -> bool:
        return self.status in self.OPEN_FOR_AMOUNT


class LossEvent(AppendOnly):
    """The loss's append-only log: every step, with the amounts it established."""

    REPORTED = "reported"
    PROOF_REQUESTED = "proof_requested"
    PLAN_LINKED = "plan_linked"
    AGREED = "agreed"
    DENIED = "denied"
    APPRAISAL_DEMANDED = "appraisal_demanded"
    APPRAISER_NAMED = "appraiser_named"
    UMPIRE_NAMED = "umpire_named"
    APPRAISAL_AWARD = "appraisal_award"
    SETTLED = "settled"
    RECOVERED = "recovered"
    CLOSED = "closed"
    KINDS = [
        (REPORTED, "Reported"),
        (PROOF_REQUESTED, "Proof of loss requested"),
        (PLAN_LINKED, "Service plan linked"),
        (AGREED, "Amount agreed"),
        (DENIED, "Denied"),
        (APPRAISAL_DEMANDED, "Appraisal demanded"),
        (APPRAISER_NAMED, "Appraiser named"),
        (UMPIRE_NAMED, "Umpire named"),
        (APPRAISAL_AWARD, "Appraisal award"),
        (SETTLED, "Settled"),
        (RECOVERED, "Property recovered"),
        (CLOSED, "Closed"),
    ]

    loss = models.ForeignKey(Loss, on_delete=models.PROTECT, related_name="history")
    kind = models.CharField(max_length=20, choices=KINDS)
    on = models.DateField(help_text="The date the step happened.")
    status = models.CharField(max_length=16, help_text="The loss's status after this step.")
    by = models.CharField(
        max_length=16, blank=True, help_text="Who took the step, or how it was settled."
    )
    name = models.CharField(max_length=200, blank=True, help_text="An appraiser, an umpire.")
    amount = MoneyField(null=True, blank=True, help_text="The payout this step established.")
    refund = MoneyField(null=True, blank=True)
    steps = models.JSONField(default=dict, blank=True)
    reason_code = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    actor = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loss", "id"]

    def __str__(self) -> str:
        return f"loss {self.loss_id} {self.kind} {self.on}"


# The most files (photos of the damage, police reports) one loss may carry.
MAX_FILES_PER_LOSS = 10


class LossFile(models.Model):
    """A photo of the damage or the police report's copy, checked on the way in (photos are
    redrawn without their metadata: `gemcare.common.uploads`). `stored_name` names it in the
    default storage; it is read only through a page that checks the caller may see the loss."""

    PHOTO = "photo"
    POLICE_REPORT = "police_report"
    KINDS = [(PHOTO, "Photo of the damage"), (POLICE_REPORT, "Police report")]

    loss = models.ForeignKey(Loss, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=16, choices=KINDS)
    stored_name = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.CharField(max_length=64)

    class Meta:
        ordering = ["loss", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} of loss {self.loss_id}"

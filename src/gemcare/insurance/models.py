"""Personal jewelry insurance records (RULEBOOK §6).

A `Policy` row holds the policy's current state (its period, rating, written premium, status)
so that screens and the rules read it in one query. Every change to money, a limit or a status
is also written as a new row that is never edited: a `PolicyEvent` (bound, item added or
removed, limit renewed, cancelled, renewed), a `Loss`, a `PolicyCancellation`, a
`PolicyRenewal`. The current-state columns are only ever changed by the services in
`gemcare.insurance.services`, in the same transaction as the row that explains the change.
"""

from django.db import models

from gemcare.catalog.models import InsuranceRatingVersion
from gemcare.common.fields import EncryptedTextField, MoneyField
from gemcare.rules.vocabulary import US_STATES

STATE_CHOICES = [(state, state) for state in sorted(US_STATES)]
INDEX_DIGITS = {"max_digits": 12, "decimal_places": 4}


class AppendOnly(models.Model):
    """A ledger row: written once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError(f"A {self._meta.verbose_name} is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"A {self._meta.verbose_name} is never deleted.")


class Policy(models.Model):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    STATUSES = [(ACTIVE, "Active"), (CANCELLED, "Cancelled"), (EXPIRED, "Expired")]
    # The only status changes there are; anything else is refused with `policy_not_active`.
    TRANSITIONS = {ACTIVE: {CANCELLED, EXPIRED}, CANCELLED: set(), EXPIRED: set()}

    number = models.CharField(max_length=20, unique=True)
    rating_version = models.ForeignKey(
        InsuranceRatingVersion, on_delete=models.PROTECT, related_name="policies"
    )
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    address = models.CharField(max_length=300, blank=True)
    inception_on = models.DateField(help_text="Start of the first period.")
    period_start = models.DateField()
    period_end = models.DateField(help_text="First day no longer covered.")
    deductible = MoneyField()
    installments = models.PositiveSmallIntegerField(default=1)
    installment = MoneyField(
        null=True, blank=True, help_text="Each monthly payment with its fee, when paid monthly."
    )
    value_adjustment = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=STATUSES, default=ACTIVE)
    premium = MoneyField(help_text="Written premium of the current period.")
    minimum_top_up = MoneyField(
        default=0, help_text="What the minimum premium added to the items' premiums this period."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "policies"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="policy_period_forward",
            ),
            models.CheckConstraint(condition=models.Q(premium__gte=0), name="policy_premium_0"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_active(self) -> bool:
        return self.status == self.ACTIVE


class NamedInsured(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="named_insureds")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    date_of_birth = EncryptedTextField(blank=True, help_text="YYYY-MM-DD, encrypted at rest.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ScheduledItem(models.Model):
    SCHEDULED = "scheduled"
    REMOVED = "removed"
    STATUSES = [(SCHEDULED, "Scheduled"), (REMOVED, "Removed")]
    TRANSITIONS = {SCHEDULED: {REMOVED}, REMOVED: set()}

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="items")
    ref = models.CharField(max_length=32, help_text='The item id within the policy, e.g. "r1".')
    kind = models.CharField(max_length=32)
    description = models.CharField(max_length=300, blank=True)
    limit = MoneyField(help_text="Coverage amount in the current period.")
    limit_index = models.DecimalField(
        **INDEX_DIGITS, null=True, blank=True, help_text="Value index when the limit was set."
    )
    premium = MoneyField(help_text="Annual premium of the item at the current period's rating.")
    possessed_by = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=SCHEDULED)
    scheduled_on = models.DateField()
    removed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["policy", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "ref"], name="scheduled_item_ref"),
            models.CheckConstraint(condition=models.Q(limit__gt=0), name="scheduled_item_limit"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.number}/{self.ref}"

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.SCHEDULED


class Loss(models.Model):
    """A loss and its settlement as the rules gave it, with every deadline kept on it."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="losses")
    item = models.ForeignKey(
        ScheduledItem, null=True, blank=True, on_delete=models.PROTECT, related_name="losses"
    )
    newly_acquired_on = models.DateField(null=True, blank=True)
    loss_on = models.DateField()
    known_on = models.DateField(help_text="When the insured first knew of the loss.")
    peril = models.CharField(max_length=40)
    repair = models.CharField(max_length=40, blank=True)
    cost = MoneyField(help_text="Cost to repair or replace with like kind and quality.")
    service_plan_due = MoneyField(default=0)
    paid_by_others = MoneyField(default=0)
    other_insurance_limits = MoneyField(default=0)
    pair_set_amount = MoneyField(null=True, blank=True)
    period_start = models.DateField(help_text="The policy period the loss was settled in.")
    period_end = models.DateField(help_text="Its end, or the cancellation date.")
    covered = models.BooleanField()
    reason_code = models.CharField(max_length=40)
    reason_words = models.TextField()
    payout = MoneyField()
    item_removed = models.BooleanField(default=False)
    refund = MoneyField(default=0, help_text="Unearned premium returned for a removed item.")
    steps = models.JSONField(default=dict, blank=True)
    proof_requested_on = models.DateField(null=True, blank=True)
    proof_of_loss_due = models.DateField(null=True, blank=True)
    payment_due = models.DateField(null=True, blank=True)
    appraiser_named_by = models.DateField(null=True, blank=True)
    umpire_chosen_by = models.DateField(null=True, blank=True)
    suit_by = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "losses"
        ordering = ["-loss_on", "-id"]
        indexes = [models.Index(fields=["suit_by"])]

    def __str__(self) -> str:
        return f"{self.policy.number} {self.peril} {self.loss_on}"


class PolicyEvent(AppendOnly):
    """The policy's append-only log of status, premium and limit changes."""

    BOUND = "bound"
    ITEM_ADDED = "item_added"
    ITEM_REMOVED = "item_removed"
    ITEM_RENEWED = "item_renewed"
    CANCELLED = "cancelled"
    RENEWED = "renewed"
    KINDS = [
        (BOUND, "Bound"),
        (ITEM_ADDED, "Item added"),
        (ITEM_REMOVED, "Item removed"),
        (ITEM_RENEWED, "Item limit and premium renewed"),
        (CANCELLED, "Cancelled"),
        (RENEWED, "Renewed"),
    ]

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=KINDS)
    on = models.DateField(help_text="The date the change takes effect.")
    period_start = models.DateField(help_text="The policy period the amounts belong to.")
    item = models.ForeignKey(
        ScheduledItem, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    loss = models.ForeignKey(
        Loss, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    premium = MoneyField(default=0, help_text="Premium written by this change.")
    refund = MoneyField(default=0, help_text="Premium returned by this change.")
    limit = MoneyField(null=True, blank=True)
    previous_limit = MoneyField(null=True, blank=True)
    item_premium = MoneyField(null=True, blank=True)
    previous_item_premium = MoneyField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "id"]
        indexes = [models.Index(fields=["policy", "period_start"])]

    def __str__(self) -> str:
        return f"{self.policy.number} {self.kind} {self.on}"


class PolicyCancellation(AppendOnly):
    INSURED = "insured"
    INSURER = "insurer"
    BY = [(INSURED, "Insured"), (INSURER, "Insurer")]

    policy = models.OneToOneField(Policy, on_delete=models.PROTECT, related_name="cancellation")
    cancel_on = models.DateField()
    by = models.CharField(max_length=8, choices=BY)
    notice_on = models.DateField(null=True, blank=True)
    premium_in_force = MoneyField()
    refund = MoneyField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.policy.number} cancelled {self.cancel_on}"


class PolicyRenewal(AppendOnly):
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="renewals")
    period_start = models.DateField()
    period_end = models.DateField()
    rating_version = models.ForeignKey(
        InsuranceRatingVersion, on_delete=models.PROTECT, related_name="+"
    )
    index_then = models.DecimalField(**INDEX_DIGITS, null=True, blank=True)
    index_now = models.DecimalField(**INDEX_DIGITS, null=True, blank=True)
    limits = models.JSONField(help_text='The new limits: {"r1": "8200.00"}.')
    premium = MoneyField()
    installment = MoneyField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "period_start"], name="renewal_period")
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} renewed {self.period_start}"

"""Policies, their named insureds and schedule, and the ledger of their changes."""

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
    billed_here = models.BooleanField(
        default=True,
        help_text="Its installments are billed and its payments recorded here. A policy "
        "bound elsewhere (the scenario runner) counts its premium as paid until a payment "
        "is recorded, as RULEBOOK 6.2's refund does.",
    )
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
    appraisal_value = MoneyField(null=True, blank=True, help_text="The appraisal's value.")
    appraised_on = models.DateField(null=True, blank=True)
    serial_number = models.CharField(max_length=100, blank=True)
    grading_report_number = models.CharField(max_length=100, blank=True)
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


class PolicyEvent(AppendOnly):
    """The policy's append-only log of status, premium and limit changes."""

    BOUND = "bound"
    ITEM_ADDED = "item_added"
    ITEM_REMOVED = "item_removed"
    ITEM_RENEWED = "item_renewed"
    ITEM_CHANGED = "item_changed"
    CANCELLED = "cancelled"
    RENEWED = "renewed"
    EXPIRED = "expired"
    KINDS = [
        (BOUND, "Bound"),
        (ITEM_ADDED, "Item added"),
        (ITEM_REMOVED, "Item removed"),
        (ITEM_RENEWED, "Item limit and premium renewed"),
        (ITEM_CHANGED, "Item changed"),
        (CANCELLED, "Cancelled"),
        (RENEWED, "Renewed"),
        (EXPIRED, "Expired"),
    ]
    # The changes to the schedule in the middle of a period: each one is an endorsement,
    # with a new declarations page.
    ENDORSEMENTS = (ITEM_ADDED, ITEM_CHANGED, ITEM_REMOVED)

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=KINDS)
    on = models.DateField(help_text="The date the change takes effect.")
    period_start = models.DateField(help_text="The policy period the amounts belong to.")
    item = models.ForeignKey(
        ScheduledItem, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    loss = models.ForeignKey(
        "insurance.Loss", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
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


class ScheduledItemFile(models.Model):
    """A photo of a scheduled item or its appraisal document, kept through Django's storage
    (never served from a public URL: a view that checks the caller reads it)."""

    PHOTO = "photo"
    APPRAISAL = "appraisal"
    KINDS = [(PHOTO, "Photo"), (APPRAISAL, "Appraisal document")]

    item = models.ForeignKey(ScheduledItem, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=16, choices=KINDS)
    file = models.FileField(max_length=200)
    uploaded_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return f"{self.item} {self.kind}"


class PolicyPayment(AppendOnly):
    """Money received for a policy, for one period (a renewal's own payment is booked on the
    period it pays for). A payment split between two periods is two rows with one reference."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="payments")
    period_start = models.DateField(help_text="The policy period the money pays for.")
    paid_on = models.DateField()
    amount = MoneyField()
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "paid_on", "id"]
        indexes = [models.Index(fields=["policy", "period_start"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="policy_payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} paid {self.amount} on {self.paid_on}"


class PolicyCancellationNotice(models.Model):
    """The insurer's written notice that a policy will be cancelled (for a missed payment),
    at least ten days before it takes effect. It is withdrawn when the overdue amount is paid
    before then, and carried out by the daily policy work on its date otherwise."""

    PENDING = "pending"
    WITHDRAWN = "withdrawn"
    CARRIED_OUT = "carried_out"
    STATUSES = [(PENDING, "Pending"), (WITHDRAWN, "Withdrawn"), (CARRIED_OUT, "Carried out")]
    TRANSITIONS = {PENDING: {WITHDRAWN, CARRIED_OUT}, WITHDRAWN: set(), CARRIED_OUT: set()}
    NON_PAYMENT = "non_payment"
    REASONS = [(NON_PAYMENT, "Non-payment of premium")]

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="notices")
    reason = models.CharField(max_length=16, choices=REASONS, default=NON_PAYMENT)
    notice_on = models.DateField(help_text="The day the written notice was sent.")
    cancel_on = models.DateField(help_text="The day the cancellation takes effect.")
    amount_due = MoneyField(help_text="What was overdue when the notice was given.")
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "notice_on", "id"]
        indexes = [models.Index(fields=["status", "cancel_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cancel_on__gt=models.F("notice_on")),
                name="cancellation_notice_ahead",
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} notice {self.notice_on} for {self.cancel_on}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.PENDING


class PolicyRenewalOffer(models.Model):
    """The renewal offered ahead of an anniversary at the rates in force on the offer's day,
    with each limit adjusted by the value index where the policy has that condition. Paying
    accepts it; the daily policy work renews an accepted offer on the anniversary and lets the
    policy expire otherwise."""

    OPEN = "open"
    ACCEPTED = "accepted"
    RENEWED = "renewed"
    LAPSED = "lapsed"
    STATUSES = [(OPEN, "Open"), (ACCEPTED, "Accepted"), (RENEWED, "Renewed"), (LAPSED, "Lapsed")]
    # Staff may renew directly (`policy_renew`): an offer still open is then renewed too.
    TRANSITIONS = {
        OPEN: {ACCEPTED, LAPSED, RENEWED},
        ACCEPTED: {RENEWED},
        RENEWED: set(),
        LAPSED: set(),
    }

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="renewal_offers")
    offered_on = models.DateField()
    period_start = models.DateField(help_text="The period offered: the anniversary.")
    period_end = models.DateField()
    rating_version = models.ForeignKey(
        InsuranceRatingVersion, on_delete=models.PROTECT, related_name="+"
    )
    index_now = models.DecimalField(**INDEX_DIGITS, null=True, blank=True)
    terms = models.JSONField(
        help_text='Per item: {"r1": {"limit": "8200.00", "index": "112.5", "premium": "98.40"}}.'
    )
    premium = MoneyField()
    installment = MoneyField(null=True, blank=True)
    first_payment = MoneyField(help_text="What paying accepts the offer with.")
    status = models.CharField(max_length=16, choices=STATUSES, default=OPEN)
    accepted_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "period_start"], name="renewal_offer_period")
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} renewal offer {self.period_start}"


class NewlyAcquiredItem(models.Model):
    """An item the insured acquired and reported but has not scheduled yet: covered for 30
    days from acquisition (RULEBOOK 6.1), with a reminder to schedule it before that ends."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="newly_acquired")
    kind = models.CharField(max_length=32)
    description = models.CharField(max_length=300, blank=True)
    acquired_on = models.DateField()
    reported_on = models.DateField()
    cover_ends_on = models.DateField(help_text="The last day of the automatic cover.")
    reminded_on = models.DateField(null=True, blank=True)
    scheduled_item = models.OneToOneField(
        ScheduledItem, null=True, blank=True, on_delete=models.PROTECT, related_name="acquired"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "acquired_on", "id"]
        indexes = [models.Index(fields=["cover_ends_on"])]

    def __str__(self) -> str:
        return f"{self.policy.number} newly acquired {self.kind} {self.acquired_on}"


class ValueIndex(models.Model):
    """The value index of the insurance value adjustment, as the provider's staff record it:
    the value in force from `effective_on` until the next one."""

    effective_on = models.DateField(unique=True)
    value = models.DecimalField(**INDEX_DIGITS)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "value indexes"
        ordering = ["-effective_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name="value_index_positive")
        ]

    def __str__(self) -> str:
        return f"{self.value} from {self.effective_on}"

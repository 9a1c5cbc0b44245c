"""Contracts: one item, one plan, sold under a product version that never changes for it.

Status changes, holder changes and money movements are rows (`ContractEvent`,
`HolderPeriod`, `Cancellation`, `RefundPayment`); the contract's `status` and `holder` are the
current values, kept in step by the services in the same transaction.
"""

from django.db import models

from gemcare.catalog.models import PlanProductVersion
from gemcare.common.fields import ZERO, EncryptedTextField, MoneyField
from gemcare.partners.models import STATE_CHOICES, Retailer, Store

ACTIVE = "active"
VOIDED = "voided"
CANCELLED = "cancelled"
EXPIRED = "expired"
EXHAUSTED = "exhausted"
REPLACED = "replaced"
# Layaway and special orders: registered at the sale, covered from the pickup on.
PENDING_PICKUP = "pending_pickup"
# A sale that no longer holds its receipt line: the item came back (voided) or the plan was
# cancelled, so the same line may be sold again. Every other status keeps the line taken.
RECEIPT_LINE_RELEASED = (VOIDED, CANCELLED)
RECEIPT_LINE_MAX = 999
STATUSES = [
    (s, s.replace("_", " ").capitalize())
    for s in (PENDING_PICKUP, ACTIVE, VOIDED, CANCELLED, EXPIRED, EXHAUSTED, REPLACED)
]

# The transition table: a status change not listed here is refused with a code.
TRANSITIONS = {
    PENDING_PICKUP: {ACTIVE, VOIDED},  # picked up, or cancelled before: a full refund
    ACTIVE: {VOIDED, CANCELLED, EXPIRED, EXHAUSTED, REPLACED},
    EXHAUSTED: {ACTIVE, REPLACED, CANCELLED},  # active again when a review gives limit back
    EXPIRED: set(),
    VOIDED: set(),
    CANCELLED: set(),
    REPLACED: set(),
}


class Holder(models.Model):
    """A customer who holds plans. Sensitive fields are encrypted at rest (docs/decisions)."""

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    date_of_birth = EncryptedTextField(blank=True)
    ssn = EncryptedTextField(blank=True, verbose_name="SSN")
    government_id = EncryptedTextField(blank=True)
    bank_account = EncryptedTextField(blank=True)
    marketing_opt_out = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    number = models.CharField(max_length=16, unique=True)
    product_version = models.ForeignKey(
        PlanProductVersion, on_delete=models.PROTECT, related_name="contracts"
    )
    # No index of its own: every list of a retailer's contracts uses a composite index that
    # starts with the retailer.
    retailer = models.ForeignKey(
        Retailer, on_delete=models.PROTECT, related_name="contracts", db_index=False
    )
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="contracts")
    receipt_number = models.CharField(max_length=64)
    # Database defaults too: bulk loads that write rows in SQL need not name the columns.
    receipt_line = models.PositiveSmallIntegerField(
        default=1, db_default=1, help_text="Which line of the receipt the item is on (1 to 999)."
    )
    item_kind = models.CharField(max_length=16)
    item_description = models.CharField(max_length=300, blank=True)
    item_price = MoneyField()
    item_serial = models.CharField(max_length=64, blank=True, verbose_name="serial / SKU")
    item_water_resistant = models.BooleanField(default=False)
    item_sold_on = models.DateField()
    item_is_gift = models.BooleanField(default=False)
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="contracts")
    state_at_sale = models.CharField(max_length=2, choices=STATE_CHOICES)
    plan_price = MoneyField()
    commission = MoneyField()
    purchased_on = models.DateField()
    term_ends_on = models.DateField(
        null=True, blank=True, help_text="First day no longer covered; empty for lifetime plans."
    )
    last_event_on = models.DateField(
        help_text="The latest dated event on the contract: a new one may not be dated before it."
    )
    status = models.CharField(max_length=16, choices=STATUSES, default=ACTIVE)
    approved_total = MoneyField(
        default=ZERO, help_text="Everything approved on this contract's claims so far."
    )
    is_test = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Made with a test API key: never in statements, reports or live lists.",
    )
    sold_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # Reports and statements by sale date; a retailer's lists by status or receipt.
            models.Index(fields=["retailer", "purchased_on"]),
            models.Index(fields=["retailer", "status", "purchased_on"]),
            models.Index(fields=["retailer", "receipt_number"]),
            # The daily expiry reads only what is due.
            models.Index(
                fields=["term_ends_on", "id"],
                condition=models.Q(status=ACTIVE, term_ends_on__isnull=False),
                name="contract_expiry_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_event_on__gte=models.F("purchased_on")),
                name="contract_events_after_purchase",
            ),
            models.CheckConstraint(
                condition=models.Q(receipt_line__gte=1, receipt_line__lte=RECEIPT_LINE_MAX),
                name="contract_receipt_line_range",
            ),
            # One live sale per receipt line, so two sales of the same line at once (a POS
            # retrying) cannot both land. Test records never collide with live ones.
            models.UniqueConstraint(
                fields=["retailer", "receipt_number", "receipt_line", "is_test"],
                condition=~models.Q(status__in=RECEIPT_LINE_RELEASED),
                name="contract_one_live_sale_per_receipt_line",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class HolderPeriod(models.Model):
    SALE = "sale"
    TRANSFER = "transfer"
    GIFT_RECIPIENT = "gift_recipient"
    REASONS = [(SALE, "Sale"), (TRANSFER, "Transfer"), (GIFT_RECIPIENT, "Gift recipient")]

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="holders")
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="+")
    since = models.DateField()
    until = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=16, choices=REASONS)

    class Meta:
        ordering = ["since", "id"]
        constraints = [
            # Periods never run backwards, and a contract has one current holder: with the
            # services' date-order check, the periods tile the contract's life.
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="holder_period_forward",
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=models.Q(until__isnull=True),
                name="holder_period_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder} since {self.since}"


class ContractEvent(models.Model):
    """Append-only history of a contract: its sale and every status change."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    on = models.DateField()
    kind = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.on}: {self.kind}"


class Cancellation(models.Model):
    HOLDER = "holder"
    PROVIDER = "provider"

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="cancellation")
    cancel_on = models.DateField()
    by = models.CharField(max_length=16, choices=[(HOLDER, "Holder"), (PROVIDER, "Provider")])
    reason = models.CharField(max_length=32, blank=True)
    notice_on = models.DateField(null=True, blank=True)
    unearned = MoneyField()
    services_deducted = MoneyField()
    unearned_factor = models.DecimalField(max_digits=5, decimal_places=4)
    refund = MoneyField()
    due_on = models.DateField()
    explanation = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Cancellation of {self.contract}"


class RefundPayment(models.Model):
    cancellation = models.ForeignKey(
        Cancellation, on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField()
    refund = MoneyField()
    days_late = models.PositiveIntegerField()
    penalty = MoneyField()
    total = MoneyField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.total} paid on {self.paid_on}"

from decimal import Decimal

from django.conf import settings
from django.db import models

from gemcare.rules.vocabulary import US_STATES

STATE_CHOICES = [(state, state) for state in sorted(US_STATES)]


class ProviderStaff(models.Model):
    """A member of the provider's staff and the role that decides what they may see and do."""

    ADMIN = "admin"
    ADJUSTER = "adjuster"
    PRIVACY_OFFICER = "privacy_officer"
    ROLES = [(ADMIN, "Administrator"), (ADJUSTER, "Adjuster"), (PRIVACY_OFFICER, "Privacy officer")]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_staff"
    )
    role = models.CharField(max_length=24, choices=ROLES)

    class Meta:
        verbose_name_plural = "provider staff"

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Retailer(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.4000"),
        help_text="Share of the plan price the retailer keeps (0.40 is 40%).",
    )
    is_active = models.BooleanField(default=True)
    email = models.EmailField(
        blank=True,
        default="",
        db_default="",
        help_text="Where claim decisions are sent when the store has no email of its own.",
    )

    def __str__(self) -> str:
        return self.name


class Store(models.Model):
    retailer = models.ForeignKey(Retailer, on_delete=models.PROTECT, related_name="stores")
    code = models.SlugField(max_length=32)
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    email = models.EmailField(
        blank=True,
        default="",
        db_default="",
        help_text="Where the decisions on this store's claims are sent (else the retailer's).",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["retailer", "code"], name="store_code")]

    def __str__(self) -> str:
        return f"{self.retailer.name} — {self.name}"


class RetailerStaff(models.Model):
    MANAGER = "manager"
    SALES = "sales"
    ROLES = [(MANAGER, "Manager"), (SALES, "Sales associate")]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retailer_staff"
    )
    retailer = models.ForeignKey(Retailer, on_delete=models.PROTECT, related_name="staff")
    store = models.ForeignKey(
        Store, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(max_length=16, choices=ROLES)

    class Meta:
        verbose_name_plural = "retailer staff"

    def __str__(self) -> str:
        return f"{self.user} ({self.retailer})"


class RepairCenter(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    email = models.EmailField(blank=True)
    is_approved = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A retailer's key to the partner API. Only a hash of the secret is kept: the key itself
    is shown once, when it is made (docs/decisions/0017-api-keys-and-rate-limit.md)."""

    QUOTES = "quotes"
    SALES = "sales"
    CLAIMS = "claims"
    WEBHOOKS = "webhooks"
    SCOPES = (QUOTES, SALES, CLAIMS, WEBHOOKS)

    retailer = models.ForeignKey(Retailer, on_delete=models.PROTECT, related_name="api_keys")
    store = models.ForeignKey(
        Store,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_keys",
        help_text="If set, the key sees and sells for this store only.",
    )
    name = models.CharField(max_length=100)
    scopes = models.CharField(
        max_length=100, help_text="Comma-separated: quotes, sales, claims, webhooks."
    )
    is_test = models.BooleanField(
        default=False, help_text="Test keys write test records that never reach live lists."
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API key"
        constraints = [
            models.CheckConstraint(condition=~models.Q(scopes=""), name="api_key_has_scopes")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.retailer}, {self.key_kind}_{self.prefix})"

    @property
    def key_kind(self) -> str:
        return "test" if self.is_test else "live"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(part for part in self.scopes.split(",") if part)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

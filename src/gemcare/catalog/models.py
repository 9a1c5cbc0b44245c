"""Products and their versions.

A version is a draft until published. Published versions and their rows (price bands,
covered services, state variations, rates) refuse every change: a correction is a new draft.
"""

from django.db import models

from gemcare.catalog.errors import CatalogError
from gemcare.common.errors import Refused
from gemcare.common.fields import MoneyField

DRAFT = "draft"
PUBLISHED = "published"
VERSION_STATUSES = [(DRAFT, "Draft"), (PUBLISHED, "Published")]


def _refuse_change(version, what: str = "change") -> Refused:
    return Refused(
        CatalogError.PUBLISHED_VERSION_CHANGED, f"{version} is published and cannot {what}."
    )


class VersionBase(models.Model):
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=16, choices=VERSION_STATUSES, default=DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and type(self).objects.filter(pk=self.pk, status=PUBLISHED).exists():
            raise _refuse_change(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise _refuse_change(self, "be deleted")
        return super().delete(*args, **kwargs)

    def __str__(self) -> str:
        label = f"v{self.number}" if self.number else "draft"
        return f"{self.product.code} {label}"


class VersionRowBase(models.Model):
    """A row of a version: editable only while its version is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.version.is_published:
            raise _refuse_change(self.version)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.version.is_published:
            raise _refuse_change(self.version)
        return super().delete(*args, **kwargs)


class PlanProduct(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.code


TRANSFER_CHOICES = [
    ("any", "Any time while active"),
    ("gift_recipient_once", "Gift recipient only"),
]
LIMIT_CHOICES = [("item_price", "The item's purchase price")]


class PlanProductVersion(VersionBase):
    product = models.ForeignKey(PlanProduct, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(max_length=200)
    item_kinds = models.JSONField(help_text='e.g. ["ring", "bracelet"]')
    causes = models.JSONField(help_text='Covered causes, e.g. ["wear_and_tear"]')
    term_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty for the lifetime of the holder."
    )
    proration_years = models.PositiveSmallIntegerField(
        help_text="Refund proration term (the term, or 5 years for lifetime plans)."
    )
    transfer = models.CharField(max_length=32, choices=TRANSFER_CHOICES)
    aggregate_limit = models.CharField(max_length=32, choices=LIMIT_CHOICES, blank=True)
    sold_with_item = models.BooleanField(default=True)
    return_to_jeweler_days = models.PositiveSmallIntegerField(null=True, blank=True)
    free_look_days = models.PositiveSmallIntegerField(null=True, blank=True)
    requires_maintenance = models.BooleanField(default=False)
    replacement = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="plan_version_number"),
            models.UniqueConstraint(
                fields=["product"], condition=models.Q(status=DRAFT), name="plan_one_draft"
            ),
        ]


class PlanPriceBand(VersionRowBase):
    version = models.ForeignKey(PlanProductVersion, on_delete=models.CASCADE, related_name="bands")
    low = MoneyField()
    high = MoneyField()
    price = MoneyField()

    class Meta:
        ordering = ["low"]

    def __str__(self) -> str:
        return f"{self.low} to {self.high}: {self.price}"


class PlanCoveredService(VersionRowBase):
    version = models.ForeignKey(
        PlanProductVersion, on_delete=models.CASCADE, related_name="covered_services"
    )
    item_kind = models.CharField(max_length=16)
    service = models.CharField(max_length=40)
    requires_water_resistant = models.BooleanField(default=False)
    max_sizes = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["item_kind", "id"]

    def __str__(self) -> str:
        return f"{self.item_kind}: {self.service}"


class PlanStateVariation(VersionRowBase):
    version = models.ForeignKey(
        PlanProductVersion, on_delete=models.CASCADE, related_name="state_variations"
    )
    state = models.CharField(max_length=2)
    free_look_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: no free look."
    )
    free_look_requires_no_claim = models.BooleanField(default=False)
    deduct_services = models.BooleanField(default=True)
    unearned_factor = models.DecimalField(max_digits=5, decimal_places=4, default=1)
    applies_to = models.CharField(
        max_length=8, choices=[("holder", "Holder only"), ("both", "Holder and provider")]
    )

    class Meta:
        ordering = ["state"]

    def __str__(self) -> str:
        return f"{self.state} variation"


class PlanStateNotice(VersionRowBase):
    version = models.ForeignKey(
        PlanProductVersion, on_delete=models.CASCADE, related_name="state_notices"
    )
    state = models.CharField(max_length=2)
    text = models.TextField()

    class Meta:
        ordering = ["state"]

    def __str__(self) -> str:
        return f"{self.state} notice"


class InsuranceProduct(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.code


class InsuranceRatingVersion(VersionBase):
    product = models.ForeignKey(InsuranceProduct, on_delete=models.PROTECT, related_name="versions")
    default_rate = models.DecimalField(max_digits=6, decimal_places=4)
    minimum_premium = MoneyField()
    installment_fee = MoneyField()
    installment_counts = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="rating_version_number"),
            models.UniqueConstraint(
                fields=["product"], condition=models.Q(status=DRAFT), name="rating_one_draft"
            ),
        ]


class InsuranceStateRate(VersionRowBase):
    version = models.ForeignKey(
        InsuranceRatingVersion, on_delete=models.CASCADE, related_name="state_rates"
    )
    state = models.CharField(max_length=2)
    rate = models.DecimalField(max_digits=6, decimal_places=4)

    class Meta:
        ordering = ["state"]

    def __str__(self) -> str:
        return f"{self.state}: {self.rate}"


class InsuranceDeductibleFactor(VersionRowBase):
    version = models.ForeignKey(
        InsuranceRatingVersion, on_delete=models.CASCADE, related_name="deductible_factors"
    )
    deductible = MoneyField()
    factor = models.DecimalField(max_digits=6, decimal_places=4)

    class Meta:
        ordering = ["deductible"]

    def __str__(self) -> str:
        return f"deductible {self.deductible}: {self.factor}"

"""Quotes given through the API, kept so a sale registered against one can be checked.

A quote belongs to the retailer whose key asked for it (its tenant), is test or live like
that key, and expires after GEMCARE_QUOTE_DAYS. Each cart line keeps what was asked and the
plans offered for it at their band prices; the reasons for no offer are answered, not kept.
"""

from django.db import models

from gemcare.catalog.models import PlanProductVersion
from gemcare.common.fields import MoneyField
from gemcare.partners.models import ApiKey, Retailer, Store


class Quote(models.Model):
    public_id = models.CharField(max_length=32, unique=True)
    retailer = models.ForeignKey(Retailer, on_delete=models.PROTECT, related_name="+")
    store = models.ForeignKey(
        Store, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    holder_state = models.CharField(max_length=2)
    is_test = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["retailer", "created_at"])]

    def __str__(self) -> str:
        return self.public_id


class QuoteItem(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="items")
    line_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)
    price = MoneyField()
    sku = models.CharField(max_length=64, blank=True)
    description = models.CharField(max_length=300, blank=True)
    water_resistant = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quote", "line_id"], name="quote_item_line_id")
        ]

    def __str__(self) -> str:
        return f"{self.quote} line {self.line_id}"


class QuoteOffer(models.Model):
    item = models.ForeignKey(QuoteItem, on_delete=models.CASCADE, related_name="offers")
    product_version = models.ForeignKey(
        PlanProductVersion, on_delete=models.PROTECT, related_name="+"
    )
    product_code = models.CharField(max_length=64)
    plan_price = MoneyField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "product_code"], name="quote_offer_product")
        ]

    def __str__(self) -> str:
        return f"{self.product_code} at {self.plan_price}"

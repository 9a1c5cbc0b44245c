"""Contracts in the back office. Services write contracts; the admin shows them.

Sensitive holder fields are masked for everyone but administrators and the privacy officer.
"""

from django.contrib import admin

from gemcare.common.admin import ReadOnlyAdmin, ReadOnlyInline
from gemcare.common.fields import mask
from gemcare.contracts.models import (
    Cancellation,
    Contract,
    ContractEvent,
    Holder,
    HolderPeriod,
    RefundPayment,
)
from gemcare.partners.models import ProviderStaff

SENSITIVE = ("date_of_birth", "ssn", "government_id", "bank_account")


def may_see_sensitive(user) -> bool:
    if user.is_superuser:
        return True
    staff = getattr(user, "provider_staff", None)
    return staff is not None and staff.role in {ProviderStaff.ADMIN, ProviderStaff.PRIVACY_OFFICER}


class HolderPeriodInline(ReadOnlyInline):
    model = HolderPeriod
    fields = ["holder", "since", "until", "reason"]


class ContractEventInline(ReadOnlyInline):
    model = ContractEvent
    fields = ["on", "kind", "from_status", "to_status", "data", "at"]


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "product_version",
        "retailer",
        "item_kind",
        "item_price",
        "plan_price",
        "purchased_on",
        "state_at_sale",
        "status",
    ]
    list_filter = ["status", "product_version__product", "retailer", "state_at_sale", "item_kind"]
    search_fields = ["number", "receipt_number", "holder__name", "item_serial"]
    date_hierarchy = "purchased_on"
    list_select_related = ["product_version__product", "retailer"]
    inlines = [HolderPeriodInline, ContractEventInline]


class RefundPaymentInline(ReadOnlyInline):
    model = RefundPayment


@admin.register(Cancellation)
class CancellationAdmin(ReadOnlyAdmin):
    list_display = ["contract", "cancel_on", "by", "reason", "refund", "due_on"]
    list_filter = ["by", "reason"]
    search_fields = ["contract__number"]
    inlines = [RefundPaymentInline]


@admin.register(Holder)
class HolderAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "state", "created_at"]
    search_fields = ["name", "email"]
    list_filter = ["state", "marketing_opt_out"]
    fields = ["name", "email", "phone", "address", "state", "marketing_opt_out", *SENSITIVE]

    def get_fields(self, request, obj=None):
        if may_see_sensitive(request.user):
            return self.fields
        return [f for f in self.fields if f not in SENSITIVE] + [f"{f}_masked" for f in SENSITIVE]

    def get_readonly_fields(self, request, obj=None):
        if may_see_sensitive(request.user):
            return []
        return [f"{f}_masked" for f in SENSITIVE]

    @admin.display(description="Date of birth")
    def date_of_birth_masked(self, obj) -> str:
        return mask(obj.date_of_birth)

    @admin.display(description="SSN")
    def ssn_masked(self, obj) -> str:
        return mask(obj.ssn)

    @admin.display(description="Government ID")
    def government_id_masked(self, obj) -> str:
        return mask(obj.government_id)

    @admin.display(description="Bank account")
    def bank_account_masked(self, obj) -> str:
        return mask(obj.bank_account)

"""Contracts in the back office. Services write contracts; the admin shows them.

Sensitive holder fields are masked for everyone but administrators and the privacy officer.
"""

from django import forms
from django.contrib import admin
from django.views.decorators.debug import sensitive_variables

from gemcare.common.admin import ReadOnlyAdmin, ReadOnlyInline, admin_caller
from gemcare.common.errors import InvalidInput
from gemcare.common.fields import mask
from gemcare.common.schemas import validate_input
from gemcare.contracts.holders import holder_create, holder_update
from gemcare.contracts.models import (
    Cancellation,
    Contract,
    ContractEvent,
    Holder,
    HolderPeriod,
    RefundPayment,
)
from gemcare.contracts.schemas import HolderChangesIn, HolderIn
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
        "is_test",
    ]
    # Test-mode records (made with test API keys) are kept apart: filter them out or in.
    list_filter = [
        "is_test",
        "status",
        "product_version__product",
        "retailer",
        "state_at_sale",
        "item_kind",
    ]
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


class HolderAdminForm(forms.ModelForm):
    """Reads an edit with the schema the holder services take, so the admin checks a holder
    exactly as every other door does; the service then saves it and writes the audit entry."""

    holder_input: HolderIn | HolderChangesIn | None = None

    @sensitive_variables()
    def clean(self):
        cleaned = super().clean()
        names = self.changed_data if self.instance.pk else list(cleaned)
        # A date of birth left empty is none at all; the schema reads dates, not "".
        given = {
            name: (None if name == "date_of_birth" and not cleaned[name] else cleaned[name])
            for name in names
            if name in cleaned
        }
        try:
            self.holder_input = validate_input(
                HolderChangesIn if self.instance.pk else HolderIn, given
            )
        except InvalidInput as error:
            for problem in error.errors:
                field = problem["field"].split(".")[0]
                self.add_error(field if field in self.fields else None, problem["message"])
        return cleaned


@admin.register(Holder)
class HolderAdmin(admin.ModelAdmin):
    form = HolderAdminForm
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
        # None of a date shows: its last characters are the day and month of birth.
        return mask(obj.date_of_birth, visible=0)

    @admin.display(description="SSN")
    def ssn_masked(self, obj) -> str:
        return mask(obj.ssn)

    @admin.display(description="Government ID")
    def government_id_masked(self, obj) -> str:
        return mask(obj.government_id)

    @admin.display(description="Bank account")
    def bank_account_masked(self, obj) -> str:
        return mask(obj.bank_account)

    def save_model(self, request, obj, form, change) -> None:
        """Through the services: they lock the row, audit the fields changed, never values."""
        caller = admin_caller(request)
        if change:
            saved = holder_update(caller=caller, holder=obj, changes=form.holder_input)
        else:
            saved = holder_create(caller=caller, holder=form.holder_input)
        obj.pk = saved.pk
        obj._state.adding = False

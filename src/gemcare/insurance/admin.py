"""Back-office views of policies and losses.

Policies are bound, changed and cancelled only through the services (they write the events
and the audit entry), so amounts, dates and statuses are read-only here; descriptive text
(an address, an item's description, an insured's email) may be corrected, and each such
correction is written to the audit log with the fields it changed.
"""

from django.contrib import admin

from gemcare.common.admin import ReadOnlyAdmin, ReadOnlyInline
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.fields import mask
from gemcare.insurance.models import Loss, NamedInsured, Policy, PolicyEvent, ScheduledItem
from gemcare.partners.models import ProviderStaff


class NamedInsuredInline(admin.TabularInline):
    model = NamedInsured
    extra = 0
    can_delete = False
    fields = ["name", "email", "date_of_birth_masked"]
    readonly_fields = ["name", "date_of_birth_masked"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="date of birth")
    def date_of_birth_masked(self, obj: NamedInsured) -> str:
        return mask(obj.date_of_birth, visible=0) if obj.date_of_birth else ""


class ScheduledItemInline(admin.TabularInline):
    model = ScheduledItem
    extra = 0
    can_delete = False
    fields = [
        "ref",
        "kind",
        "description",
        "limit",
        "limit_index",
        "premium",
        "possessed_by",
        "status",
        "scheduled_on",
        "removed_on",
    ]
    readonly_fields = [f for f in fields if f != "description"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class LossInline(ReadOnlyInline):
    model = Loss
    fields = ["loss_on", "item", "peril", "cost", "covered", "reason_code", "payout", "refund"]
    readonly_fields = fields
    show_change_link = True


class PolicyEventInline(ReadOnlyInline):
    model = PolicyEvent
    fields = ["kind", "on", "item", "premium", "refund", "previous_limit", "limit", "created_at"]
    readonly_fields = fields


def _caller(request) -> Caller:
    """The staff member correcting a record; a superuser without a staff record is the
    provider's administrator."""
    staff = getattr(request.user, "provider_staff", None)
    return Caller.provider(
        request.user, role=staff.role if staff is not None else ProviderStaff.ADMIN
    )


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["number", "state", "period_start", "period_end", "premium", "status"]
    list_filter = ["status", "state", "installments"]
    search_fields = ["number", "named_insureds__name"]
    date_hierarchy = "period_start"
    inlines = [NamedInsuredInline, ScheduledItemInline, LossInline, PolicyEventInline]
    readonly_fields = [
        "number",
        "rating_version",
        "state",
        "inception_on",
        "period_start",
        "period_end",
        "deductible",
        "installments",
        "installment",
        "value_adjustment",
        "status",
        "premium",
        "minimum_top_up",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if form.changed_data:
            audit_record(
                caller=_caller(request),
                action="policy_corrected",
                entity=obj,
                data={"fields": form.changed_data},
            )

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        for row_form in formset.forms:
            if row_form.instance.pk and row_form.changed_data:
                audit_record(
                    caller=_caller(request),
                    action=f"{row_form.instance._meta.model_name}_corrected",
                    entity=row_form.instance,
                    data={"fields": row_form.changed_data},
                )


@admin.register(Loss)
class LossAdmin(ReadOnlyAdmin):
    list_display = [
        "policy",
        "loss_on",
        "peril",
        "covered",
        "payout",
        "proof_of_loss_due",
        "payment_due",
        "appraiser_named_by",
        "umpire_chosen_by",
        "suit_by",
    ]
    list_filter = ["covered", "peril"]
    list_select_related = ["policy"]
    search_fields = ["policy__number"]
    date_hierarchy = "loss_on"

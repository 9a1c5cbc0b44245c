"""Back-office views of policies and losses.

Policies are bound, changed and cancelled only through the services (they write the events
and the audit entry), so amounts, dates and statuses are read-only here; descriptive text
(an address, an item's description, an insured's email) may be corrected, and each such
correction is written to the audit log with the fields it changed.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from gemcare.common.admin import ReadOnlyAdmin, ReadOnlyInline
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput
from gemcare.common.fields import mask
from gemcare.common.schemas import validate_input
from gemcare.insurance.models import (
    Loss,
    NamedInsured,
    Policy,
    PolicyEvent,
    ScheduledItem,
    ValueIndex,
)
from gemcare.insurance.schemas import ValueIndexIn
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


def _rows(header: tuple[str, ...], rows) -> str:
    """A small read-only table: what the lifecycle wrote, shown on the policy's page without
    a formset (these rows are never edited here)."""
    rows = list(rows)
    if not rows:
        return "—"
    head = format_html_join("", "<th>{}</th>", ((cell,) for cell in header))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((c,) for c in r)),) for r in rows)
    )
    return format_html("<table><tr>{}</tr>{}</table>", head, body)


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
        "payments_received",
        "cancellation_notices",
        "renewal_offers_made",
        "newly_acquired_items",
    ]

    @admin.display(description="payments")
    def payments_received(self, obj: Policy) -> str:
        return _rows(
            ("paid on", "for the period from", "amount", "reference"),
            obj.payments.values_list("paid_on", "period_start", "amount", "reference"),
        )

    @admin.display(description="notices of cancellation")
    def cancellation_notices(self, obj: Policy) -> str:
        return _rows(
            ("notice on", "takes effect", "overdue", "status", "closed on"),
            obj.notices.values_list("notice_on", "cancel_on", "amount_due", "status", "closed_on"),
        )

    @admin.display(description="renewal offers")
    def renewal_offers_made(self, obj: Policy) -> str:
        return _rows(
            ("offered on", "period from", "premium", "first payment", "status"),
            obj.renewal_offers.values_list(
                "offered_on", "period_start", "premium", "first_payment", "status"
            ),
        )

    @admin.display(description="newly acquired items")
    def newly_acquired_items(self, obj: Policy) -> str:
        return _rows(
            ("kind", "acquired on", "cover ends", "reminded on"),
            obj.newly_acquired.values_list("kind", "acquired_on", "cover_ends_on", "reminded_on"),
        )

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


class ValueIndexForm(forms.ModelForm):
    """Reads the value once, as every door does (`ValueIndexIn`): a bad one is a form error
    naming the field, never a database error."""

    class Meta:
        model = ValueIndex
        fields = ["effective_on", "value", "note"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.value_index_in = validate_input(
                ValueIndexIn,
                {
                    "effective_on": cleaned.get("effective_on"),
                    "value": str(cleaned.get("value")),
                    "note": cleaned.get("note") or "",
                },
            )
        except InvalidInput as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
        return cleaned


@admin.register(ValueIndex)
class ValueIndexAdmin(admin.ModelAdmin):
    """The value index of the insurance value adjustment, maintained by staff: a value is
    added through `value_index_record` (checked and audited) and never changed afterwards,
    since offers and limits were set by it; a correction is a value from a later day."""

    form = ValueIndexForm
    list_display = ["effective_on", "value", "note", "created_at"]
    date_hierarchy = "effective_on"

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        from gemcare.insurance.services import value_index_record

        saved = value_index_record(caller=_caller(request), data=form.value_index_in)
        obj.pk, obj.created_at = saved.pk, saved.created_at

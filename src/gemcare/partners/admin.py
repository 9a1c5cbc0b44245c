from django import forms
from django.contrib import admin, messages

from gemcare.common.admin import admin_caller
from gemcare.common.errors import ApplicationError
from gemcare.partners.models import (
    ApiKey,
    ProviderStaff,
    RepairCenter,
    Retailer,
    RetailerStaff,
    Store,
)
from gemcare.partners.services import api_key_create, api_key_revoke


class StoreInline(admin.TabularInline):
    model = Store
    extra = 0
    fields = ["code", "name", "address", "state", "email"]


@admin.register(Retailer)
class RetailerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "commission_rate", "email", "is_active"]
    search_fields = ["name", "code"]
    inlines = [StoreInline]


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["name", "retailer", "state", "email"]
    list_filter = ["retailer", "state"]


@admin.register(RetailerStaff)
class RetailerStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "retailer", "store", "role"]
    list_filter = ["retailer", "role"]


@admin.register(ProviderStaff)
class ProviderStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]


@admin.register(RepairCenter)
class RepairCenterAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "is_approved"]


class ApiKeyCreateForm(forms.ModelForm):
    scope_choices = forms.MultipleChoiceField(
        label="Scopes",
        choices=[(scope, scope) for scope in ApiKey.SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = ["retailer", "store", "name", "is_test"]

    def clean(self):
        cleaned = super().clean()
        store, retailer = cleaned.get("store"), cleaned.get("retailer")
        if store is not None and retailer is not None and store.retailer_id != retailer.pk:
            self.add_error("store", "The store belongs to another retailer.")
        return cleaned


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are made here (the key is shown once, in the message after saving) and revoked;
    a key's secret, retailer and scopes never change after it is made."""

    list_display = ["name", "retailer", "store", "prefix", "is_test", "scopes", "last_used_at"]
    list_filter = ["is_test", "retailer"]
    search_fields = ["name", "prefix", "retailer__name"]
    readonly_fields = [
        "retailer",
        "store",
        "scopes",
        "is_test",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["retailer", "store", "name", "is_test", "scope_choices"]
        return ["name", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        caller = admin_caller(request)
        try:
            key, text = api_key_create(
                caller=caller,
                retailer=form.cleaned_data["retailer"],
                store=form.cleaned_data.get("store"),
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scope_choices"],
                is_test=form.cleaned_data["is_test"],
            )
        except ApplicationError as error:
            messages.error(request, error.describe())
            return
        obj.pk = key.pk
        obj.prefix = key.prefix
        messages.warning(
            request,
            f"The new key, shown this once (only its hash is kept): {text}",
        )

    def has_delete_permission(self, request, obj=None):
        # A key is revoked, not deleted: its row keeps the audit trail's references whole.
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        caller = admin_caller(request)
        for key in queryset:
            api_key_revoke(caller=caller, key=key)
        messages.success(request, f"Revoked {queryset.count()} key(s).")

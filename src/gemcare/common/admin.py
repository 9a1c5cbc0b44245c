from django.contrib import admin

from gemcare.common.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are written only by services: ledgers, decisions, the audit log."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "entity", "entity_id", "actor"]
    list_filter = ["action", "entity"]
    search_fields = ["entity_id", "action"]
    date_hierarchy = "at"

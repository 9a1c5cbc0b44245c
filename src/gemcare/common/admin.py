from django.contrib import admin

from gemcare.common.callers import Caller
from gemcare.common.models import AuditEntry


def admin_caller(request) -> Caller:
    """Who acts in the back office: a member of the provider's staff. A superuser without a
    staff record acts as an administrator; anyone else is refused (PermissionError)."""
    from gemcare.partners.models import ProviderStaff

    user = request.user
    if user.is_superuser and getattr(user, "provider_staff", None) is None:
        return Caller.provider(user, role=ProviderStaff.ADMIN)
    return Caller.provider(user)


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

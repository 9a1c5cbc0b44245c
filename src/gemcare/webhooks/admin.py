"""Webhooks in the admin: endpoints can be read and switched off, deliveries only read.

A secret is never shown here: it is shown once, by `endpoint_create`.
"""

from django.contrib import admin

from gemcare.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "retailer", "is_active", "is_test", "created_at"]
    list_filter = ["is_active", "is_test"]
    search_fields = ["url", "retailer__name", "retailer__code"]
    exclude = ["secret"]
    readonly_fields = ["retailer", "url", "events", "is_test", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    fields = readonly_fields = ["at", "response_status", "response_ms", "error"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["webhook_id", "event", "retailer", "status", "attempts", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["webhook_id"]
    inlines = [WebhookAttemptInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

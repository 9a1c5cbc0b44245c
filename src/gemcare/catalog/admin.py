"""Back-office editing of products: drafts are edited here, then published as a version."""

from django.contrib import admin, messages

from gemcare.catalog import services
from gemcare.catalog.models import (
    InsuranceDeductibleFactor,
    InsuranceProduct,
    InsuranceRatingVersion,
    InsuranceStateRate,
    PlanCoveredService,
    PlanPriceBand,
    PlanProduct,
    PlanProductVersion,
    PlanStateNotice,
    PlanStateVariation,
)
from gemcare.common.errors import ApplicationError


class DraftInline(admin.TabularInline):
    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or not obj.is_published

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class BandInline(DraftInline):
    model = PlanPriceBand


class CoveredServiceInline(DraftInline):
    model = PlanCoveredService


class StateVariationInline(DraftInline):
    model = PlanStateVariation


class StateNoticeInline(DraftInline):
    model = PlanStateNotice


class RateInline(DraftInline):
    model = InsuranceStateRate


class DeductibleInline(DraftInline):
    model = InsuranceDeductibleFactor


def _run(modeladmin, request, queryset, service, done: str) -> None:
    for obj in queryset:
        try:
            service(obj, request.user)
        except ApplicationError as error:
            modeladmin.message_user(request, f"{obj}: {error.describe()}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{obj}: {done}", messages.SUCCESS)


@admin.action(description="Publish the selected drafts")
def publish(modeladmin, request, queryset) -> None:
    def service(version, user):
        services.version_publish(version=version, actor=user)

    _run(modeladmin, request, queryset, service, "published")


@admin.action(description="Start a new draft from the latest published version")
def new_draft(modeladmin, request, queryset) -> None:
    def service(product, user):
        services.draft_create(product=product, actor=user)

    _run(modeladmin, request, queryset, service, "draft created")


class VersionAdmin(admin.ModelAdmin):
    list_display = ["product", "number", "status", "published_at"]
    list_filter = ["status", "product"]
    readonly_fields = ["number", "status", "published_at"]
    actions = [publish]

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.is_published) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.is_published) and super().has_delete_permission(request, obj)


@admin.register(PlanProductVersion)
class PlanProductVersionAdmin(VersionAdmin):
    inlines = [BandInline, CoveredServiceInline, StateVariationInline, StateNoticeInline]


@admin.register(InsuranceRatingVersion)
class InsuranceRatingVersionAdmin(VersionAdmin):
    inlines = [RateInline, DeductibleInline]


@admin.register(PlanProduct, InsuranceProduct)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    actions = [new_draft]

"""Back-office editing of products: drafts are edited here, then published as a version."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from gemcare.catalog import services
from gemcare.catalog.errors import CatalogError
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
from gemcare.common.admin import admin_caller
from gemcare.common.errors import ApplicationError, Refused


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


def _explained(error: ApplicationError) -> str:
    """The error and the words of its code, for the person at the screen."""
    code = CatalogError._value2member_map_.get(error.code)
    return f"{error.describe()} {code.words}" if code is not None else error.describe()


def _run(modeladmin, request, queryset, service, done: str) -> None:
    try:
        caller = admin_caller(request)
    except PermissionError:
        modeladmin.message_user(request, CatalogError.NOT_ALLOWED.words, messages.ERROR)
        return
    for obj in queryset:
        try:
            service(obj, caller)
        except ApplicationError as error:
            modeladmin.message_user(request, f"{obj}: {_explained(error)}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{obj}: {done}", messages.SUCCESS)


@admin.action(description="Publish the selected drafts")
def publish(modeladmin, request, queryset) -> None:
    def service(version, caller):
        services.version_publish(caller=caller, version=version)

    _run(modeladmin, request, queryset, service, "published")


@admin.action(description="Start a new draft from the latest published version")
def new_draft(modeladmin, request, queryset) -> None:
    def service(product, caller):
        services.draft_create(caller=caller, product=product)

    _run(modeladmin, request, queryset, service, "draft created")


class VersionAdmin(admin.ModelAdmin):
    list_display = ["product", "number", "status", "published_at"]
    list_filter = ["status", "product"]
    readonly_fields = ["number", "status", "published_at"]
    actions = [publish]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A version published while its form was open refuses the save: say so on the page.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as error:
            self.message_user(request, _explained(error), messages.ERROR)
            return HttpResponseRedirect(request.path)

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

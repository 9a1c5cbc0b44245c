from django.contrib import admin

from gemcare.partners.models import ProviderStaff, RepairCenter, Retailer, RetailerStaff, Store


class StoreInline(admin.TabularInline):
    model = Store
    extra = 0


@admin.register(Retailer)
class RetailerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "commission_rate", "is_active"]
    search_fields = ["name", "code"]
    inlines = [StoreInline]


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["name", "retailer", "state"]
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

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from gemcare.api.api import api
from gemcare.contracts.views import contract_verify

admin.site.site_header = "Gemcare back office"
admin.site.site_title = "Gemcare"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("verify/<str:code>", contract_verify, name="contract_verify"),
    path("api/v1/", api.urls),
]

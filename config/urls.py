from django.contrib import admin
from django.urls import include, path

from gemcare.api.api import api
from gemcare.contracts.views import contract_verify

admin.site.site_header = "Gemcare back office"
admin.site.site_title = "Gemcare"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("verify/<str:code>", contract_verify, name="contract_verify"),
    path("api/v1/", api.urls),
    # The portals: the customer site at the root, /accounts/, /jeweler/, /office/.
    path("", include("gemcare.portals.urls")),
]

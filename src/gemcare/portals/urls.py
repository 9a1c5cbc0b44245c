"""Every portal's URLs, included at the site's root by config/urls.py.

Each portal registers its own pages in `<portal>/urls.py`, under its namespace
(`accounts:`, `jeweler:`, `office:`, `customer:`); the error middleware recognises a
portal page by that namespace (web/errors.py).
"""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("gemcare.portals.accounts.urls")),
    path("jeweler/", include("gemcare.portals.jeweler.urls")),
    path("office/", include("gemcare.portals.office.urls")),
    path("", include("gemcare.portals.customer.urls")),
]

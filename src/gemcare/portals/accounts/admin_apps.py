"""The admin app, with Gemcare's admin site as its default site (see admin_site.py).

Kept apart from the site itself: Django imports this while it loads the apps, before any
model (and so anything of django.contrib.auth) can be imported.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "gemcare.portals.accounts.admin_site.GemcareAdminSite"

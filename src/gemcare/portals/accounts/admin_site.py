"""The Django admin, behind the same sign-in and second factor as the back office.

The admin is for configuration (products, staff, keys); it opens only to a staff member
whose session passed the second factor, as django-otp's OTPAdminSite has it. Its own login
page is not used: `/admin/login/` sends to the one sign-in page (`accounts:login`), or,
for a staff member signed in without the second factor, to the code page, and back to the
admin afterwards. So there is one place where passwords are typed and throttled.

Installed in INSTALLED_APPS as `gemcare.portals.accounts.admin_apps.AdminConfig`, in place
of `django.contrib.admin`: every `admin.site.register` then registers here.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import reverse


class GemcareAdminSite(admin.AdminSite):
    site_header = "Gemcare back office"
    site_title = "Gemcare"

    def has_permission(self, request) -> bool:
        from gemcare.portals.accounts.second_factor import is_verified

        return super().has_permission(request) and is_verified(request)

    def login(self, request, extra_context=None):
        from gemcare.portals.accounts.second_factor import is_verified, totp_device
        from gemcare.portals.web.access import next_url

        target = next_url(request, reverse("admin:index", current_app=self.name))
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not is_verified(request):
            name = "accounts:second_factor" if totp_device(user) else "accounts:second_factor_setup"
            return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': target})}")
        return redirect_to_login(target, reverse("accounts:login"), REDIRECT_FIELD_NAME)

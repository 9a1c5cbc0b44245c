"""`gemcare demo-logins`: who to sign in as in the demo, and where."""

from django.conf import settings
from django.core.management.base import BaseCommand

from gemcare.demo import PROVIDER_LOGINS, RETAILER_LOGINS
from gemcare.demo_policies import POLICYHOLDER_EMAIL
from gemcare.insurance.models import NamedInsured


class Command(BaseCommand):
    help = "Print the demo logins with the portal each one uses."

    def handle(self, *args, **options) -> None:
        base = settings.GEMCARE_PUBLIC_URL.rstrip("/")
        self.stdout.write(f"\nSign in at {base}/accounts/login/ as:")
        for login in RETAILER_LOGINS + PROVIDER_LOGINS:
            self.stdout.write(
                f"  {login.username:<18} {login.password:<17} {base}{login.portal:<10} {login.who}"
            )
        self.stdout.write(
            "The provider's staff also enter a code: `gemcare demo-otp admin` (or adjuster, "
            "privacy) prints it.\nThe admin (configuration) is at "
            f"{base}/admin/, for the administrator; the public home page at {base}/."
        )
        insured = (
            NamedInsured.objects.filter(email=POLICYHOLDER_EMAIL).select_related("policy").first()
        )
        if insured is not None:
            self.stdout.write(
                f"An insurance policyholder signs in at {base}/my-policy/ with policy "
                f"{insured.policy.number} and {POLICYHOLDER_EMAIL}; the one-time code is in "
                "the email printed to the console."
            )

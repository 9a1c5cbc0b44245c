from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gemcare.demo import PROVIDER_LOGINS, RETAILER_LOGINS, demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the demo data (only once) and print the demo logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contracts", type=int, default=300)

    def handle(self, *args, contracts: int, **options) -> None:
        if not settings.DEBUG:
            # The demo's logins, a superuser among them, have passwords printed below and
            # written in the README: they must never exist on a real platform.
            raise CommandError(
                "load-demo creates known logins, an administrator among them: it runs only "
                "with DEBUG on (make run turns it on)."
            )
        if demo_is_loaded():
            self.stdout.write("Demo data already loaded.")
        else:
            counts = demo_load(contracts_count=contracts)
            summary = ", ".join(f"{value} {key}" for key, value in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        self.stdout.write("\nDemo logins (http://127.0.0.1:8000/admin/):")
        for login in PROVIDER_LOGINS:
            self.stdout.write(f"  {login.username:<20} {login.password:<18} {login.who}")
        self.stdout.write("Jeweler logins (for the jeweler portal, when it ships):")
        for login in RETAILER_LOGINS:
            self.stdout.write(f"  {login.username:<20} {login.password:<18} {login.who}")

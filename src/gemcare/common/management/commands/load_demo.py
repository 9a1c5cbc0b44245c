from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gemcare.demo import demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the demo data (only once); `gemcare demo-logins` says who to sign in as."

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
        # Who to sign in as, and where: `gemcare demo-logins` (make run prints it).

"""`gemcare prune-sign-in-codes`: forget the customer site's sign-in requests once they are
of no use (expired for more than a day), and transfer invitations that expired or were
withdrawn without being accepted more than 30 days ago. Run it daily; the audit log keeps
the sign-ins and transfers themselves."""

from django.core.management.base import BaseCommand

from gemcare.portals.customer.sign_ins import sign_in_records_prune


class Command(BaseCommand):
    help = "Delete spent sign-in codes and transfer invitations that were never accepted."

    def handle(self, *args, **options) -> None:
        codes, invitations = sign_in_records_prune()
        self.stdout.write(f"Deleted {codes} sign-in codes and {invitations} invitations.")

"""`gemcare webhooks-sweep [--every SECONDS]`: queue every webhook delivery that is due.

Run it from cron every minute, or with `--every 60` beside the task worker. Deliveries are
queued after commit as they are written; this sweep is what makes a lost task or a worker
that died mid-delivery harmless (gemcare.webhooks.tasks).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from gemcare.webhooks.tasks import webhook_deliveries_due


class Command(BaseCommand):
    help = "Queue the webhook deliveries that are due (retries, and any the queue lost)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="repeat every SECONDS until stopped"
        )

    def handle(self, *args, every: int, **options) -> None:
        if every < 0:
            raise CommandError("--every must be 0 (once) or a number of seconds")
        while True:
            queued = webhook_deliveries_due()
            if queued or not every:
                self.stdout.write(f"{queued} webhook deliveries queued.")
            if not every:
                return
            time.sleep(every)

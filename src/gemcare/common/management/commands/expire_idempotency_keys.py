"""`gemcare expire-idempotency-keys [--enqueue]`: the daily cleanup of the API's kept answers."""

from django.core.management.base import BaseCommand

from gemcare.common.idempotency import idempotency_keys_expire, retention
from gemcare.common.tasks import idempotency_keys_expire_task


class Command(BaseCommand):
    help = "Remove the idempotency keys kept past GEMCARE_IDEMPOTENCY_HOURS."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the run to the task worker instead of running it here",
        )

    def handle(self, *args, enqueue: bool, **options):
        if enqueue:
            result = idempotency_keys_expire_task.enqueue()
            self.stdout.write(f"Idempotency-key cleanup enqueued (task {result.id}).")
            return
        removed = idempotency_keys_expire()
        hours = int(retention().total_seconds() // 3600)
        self.stdout.write(
            self.style.SUCCESS(f"{removed} idempotency keys older than {hours} hours removed.")
        )

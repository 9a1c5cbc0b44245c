"""`gemcare expire-contracts [--on DATE] [--enqueue]`: the daily expiry, for cron."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gemcare.common.management.days import day_argument, day_to_work_for
from gemcare.contracts.expiry import EXPIRY_CALLER, ExpiryIncomplete, contracts_expire
from gemcare.contracts.tasks import contracts_expire_task


class Command(BaseCommand):
    help = "Expire the term plans whose term is over (RULEBOOK §3), in short chunks."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--on", type=day_argument, help="the day to expire for (default: today)"
        )
        parser.add_argument(
            "--chunk-size", type=int, default=1000, help="contracts per transaction"
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the run to the task worker instead of running it here",
        )

    def handle(self, *args, on: dt.date | None, chunk_size: int, enqueue: bool, **options):
        # Expiring for a day still ahead would end terms that still cover their items.
        day = day_to_work_for(on)
        if enqueue:
            result = contracts_expire_task.enqueue(on=day.isoformat())
            self.stdout.write(f"Expiry for {day} enqueued (task {result.id}).")
            return
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        try:
            expired = contracts_expire(caller=EXPIRY_CALLER, on=day, chunk_size=chunk_size)
        except ExpiryIncomplete as incomplete:
            raise CommandError(str(incomplete)) from incomplete
        self.stdout.write(self.style.SUCCESS(f"{expired} contracts expired on {day}."))

"""`gemcare expire-contracts [--on DATE] [--enqueue]`: the daily expiry, for cron."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gemcare.common.clock import earliest_date, today
from gemcare.contracts.expiry import EXPIRY_CALLER, ExpiryIncomplete, contracts_expire
from gemcare.contracts.tasks import contracts_expire_task


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--on must be a date, YYYY-MM-DD (got {value[:40]!r})") from None


class Command(BaseCommand):
    help = "Expire the term plans whose term is over (RULEBOOK §3), in short chunks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--on", type=_day, help="the day to expire for (default: today)")
        parser.add_argument(
            "--chunk-size", type=int, default=1000, help="contracts per transaction"
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the run to the task worker instead of running it here",
        )

    def handle(self, *args, on: dt.date | None, chunk_size: int, enqueue: bool, **options):
        day = on or today()
        if not earliest_date() <= day <= today():
            # Expiring for a day still ahead would end terms that still cover their items.
            raise CommandError(f"--on must lie between {earliest_date()} and today, {today()}")
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

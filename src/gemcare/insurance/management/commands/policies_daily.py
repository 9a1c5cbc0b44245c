"""`gemcare policies-daily [--on DATE] [--enqueue] [--every SECONDS]`: the day's policy work.

Renewals accepted take effect and the rest expire, notices for missed payments are given and
carried out, renewals are offered, newly acquired items are reminded of
(`gemcare.insurance.services.daily`). Cron runs it once a day (with `--enqueue` where a task
worker runs); `--every` repeats it, for a development machine with no cron. Running it twice
on one day does nothing the second time.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from gemcare.common.management.days import day_argument, day_to_work_for
from gemcare.insurance.services.daily import DAILY_CALLER, policies_daily
from gemcare.insurance.tasks import policies_daily_task


class Command(BaseCommand):
    help = "Do the day's policy work: renewals, expiries, notices, offers, reminders."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--on", type=day_argument, help="the day to work for (default: today)")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the run to the task worker instead of running it here",
        )
        parser.add_argument(
            "--every", type=int, default=0, help="run again every this many seconds"
        )

    def handle(self, *args, on: dt.date | None, enqueue: bool, every: int, **options):
        if every < 0:
            raise CommandError("--every must be zero or more seconds")
        while True:
            self._once(on, enqueue)
            if not every:
                return
            time.sleep(every)

    def _once(self, on: dt.date | None, enqueue: bool) -> None:
        # Working for a day ahead would expire policies whose period still runs.
        day = day_to_work_for(on)
        if enqueue:
            result = policies_daily_task.enqueue(on=day.isoformat())
            self.stdout.write(f"Policy work for {day} enqueued (task {result.id}).")
            return
        report = policies_daily(caller=DAILY_CALLER, on=day)
        done = ", ".join(f"{count} {step}" for step, count in sorted(report.done.items()))
        self.stdout.write(self.style.SUCCESS(f"Policy work for {day}: {done or 'nothing due'}."))
        for refusal in report.refused:
            self.stderr.write(f"refused: {refusal}")

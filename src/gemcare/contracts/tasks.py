"""Background work on contracts.

`contracts_expire_task` is enqueued once a day (cron runs `gemcare expire-contracts --enqueue`,
or the command itself with no worker); a worker (`gemcare db_worker`) runs it. Running it twice
on one day is harmless: an expired contract is no longer due.
"""

import datetime as dt

from django.tasks import task

from gemcare.common.clock import today
from gemcare.contracts.expiry import EXPIRY_CALLER, contracts_expire


@task
def contracts_expire_task(on: str | None = None) -> int:
    """Expire what is due on `on` (ISO date; the platform's today when not given).

    The date travels as text: task arguments are stored as JSON.
    """
    day = dt.date.fromisoformat(on) if on else today()
    return contracts_expire(caller=EXPIRY_CALLER, on=day)

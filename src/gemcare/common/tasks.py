"""Background work of the platform itself.

`idempotency_keys_expire_task` is enqueued once a day, like the contracts' expiry; running it
twice is harmless: a removed key is no longer due.
"""

from django.tasks import task

from gemcare.common.idempotency import idempotency_keys_expire


@task
def idempotency_keys_expire_task() -> int:
    return idempotency_keys_expire()

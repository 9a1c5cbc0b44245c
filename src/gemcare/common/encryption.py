"""Re-encrypting sensitive fields under the newest key (key rotation).

Rotation runs while the platform is in use, so it never holds a value it read earlier: each
batch of ids is read again inside a short transaction that locks those rows, rewritten and
committed. A holder's SSN changed between two batches (or while a batch waits for the lock) is
the value that gets re-encrypted, never reverted to what was there when the run began.
"""

from django.apps import apps
from django.db import transaction

from gemcare.common.fields import EncryptedTextField

BATCH = 500


def encrypted_fields() -> list[tuple[type, list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def encryption_keys_rotate(*, batch_size: int = BATCH) -> int:
    """Rewrite every encrypted value with the first key of FIELD_ENCRYPTION_KEYS.

    Reading decrypts with any configured key and saving encrypts with the first, so after
    this run the older keys can be removed from the environment. Returns the rows rewritten.
    """
    rewritten = 0
    for model, names in encrypted_fields():
        after = None
        while True:
            rows = model._base_manager.order_by("pk")
            if after is not None:
                rows = rows.filter(pk__gt=after)
            ids = list(rows.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            rewritten += _rewrite(model, ids, names)
            after = ids[-1]
    return rewritten


@transaction.atomic
def _rewrite(model, ids: list, names: list[str]) -> int:
    """One batch: lock the rows, read them as they are now, write them under the newest key."""
    rows = list(
        model._base_manager.select_for_update().filter(pk__in=ids).only("pk", *names).order_by("pk")
    )
    if rows:
        model._base_manager.bulk_update(rows, names)
    return len(rows)

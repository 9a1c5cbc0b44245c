"""Re-encrypting sensitive fields under the newest key (key rotation)."""

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


def encryption_keys_rotate() -> int:
    """Rewrite every encrypted value with the first key of FIELD_ENCRYPTION_KEYS.

    Reading decrypts with any configured key and saving encrypts with the first, so after
    this run the older keys can be removed from the environment. Returns the rows rewritten.
    """
    rewritten = 0
    for model, names in encrypted_fields():
        rows = model.objects.only("pk", *names).order_by("pk")
        batch = []
        for row in rows.iterator(chunk_size=BATCH):
            batch.append(row)
            if len(batch) == BATCH:
                rewritten += _save(model, batch, names)
                batch = []
        rewritten += _save(model, batch, names)
    return rewritten


@transaction.atomic
def _save(model, batch, names) -> int:
    if batch:
        model.objects.bulk_update(batch, names)
    return len(batch)

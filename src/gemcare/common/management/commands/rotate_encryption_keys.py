from django.core.management.base import BaseCommand

from gemcare.common.encryption import encryption_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt sensitive fields with the first key of FIELD_ENCRYPTION_KEYS "
        "(see docs/operations.md, key rotation)."
    )

    def handle(self, *args, **options) -> None:
        rows = encryption_keys_rotate()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {rows} rows with the newest key."))

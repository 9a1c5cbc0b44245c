"""Deployment checks of Gemcare's own settings (`gemcare check --deploy`)."""

import binascii

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def field_encryption_keys_check(app_configs=None, **kwargs) -> list[Error]:
    """Every FIELD_ENCRYPTION_KEYS entry must be a Fernet key, or sensitive fields cannot be
    read or written; found at deployment, not at the first holder's sale."""
    errors = []
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []))
    if not keys:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS is empty.",
                hint="Set one or more Fernet keys, newest first (docs/operations.md).",
                id="gemcare.E001",
            )
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError, binascii.Error):
            # The key itself is never printed: it is a secret.
            errors.append(
                Error(
                    f"FIELD_ENCRYPTION_KEYS key number {position} is not a Fernet key.",
                    hint="A Fernet key is the urlsafe base64 of 32 bytes: generate one with "
                    "Fernet.generate_key() (docs/operations.md).",
                    id="gemcare.E001",
                )
            )
    return errors

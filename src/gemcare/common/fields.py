"""Model fields shared by every app.

Sensitive personal data (SSN, government ID, date of birth, bank account) is stored with
`EncryptedTextField`: Fernet (AES-128-CBC with HMAC-SHA256) from `cryptography`, keyed by
FIELD_ENCRYPTION_KEYS. Several keys may be configured: the first encrypts, all decrypt, so a
key is rotated by putting a new one first and running `gemcare rotate-encryption-keys`.
"""

from decimal import Decimal
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class MoneyField(models.DecimalField):
    """US dollars to the cent. Never a float."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        return name, path, args, kwargs


ZERO = Decimal("0.00")


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (urlsafe base64 of 32 bytes)."
        ) from error


def field_cipher() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. It cannot be searched or sorted in the database, by design."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return field_cipher().encrypt(str(value).encode()).decode()

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        try:
            return field_cipher().decrypt(value.encode()).decode()
        except InvalidToken as error:
            raise ImproperlyConfigured(
                "An encrypted field could not be decrypted with FIELD_ENCRYPTION_KEYS: "
                "a key that encrypted it is missing."
            ) from error


def mask(value: str | None, visible: int = 4) -> str:
    """What a screen shows of a sensitive value to a role that does not need it: at most the
    last `visible` characters, and never more than half of the value (a short value would
    otherwise show whole); `visible=0` shows none of it."""
    if not value:
        return ""
    value = str(value)
    shown = max(0, min(visible, len(value) // 2))
    return "•" * (len(value) - shown) + value[len(value) - shown :]

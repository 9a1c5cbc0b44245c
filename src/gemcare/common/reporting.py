"""Keeping sensitive values (SSN, government ID, date of birth, bank account) out of error
pages, error e-mails and logs.

Django's own filter hides only what `sensitive_variables` names, and only with DEBUG off. This
one is active with DEBUG on as well (the development error page is shown to people too) and
also hides, in every frame of a traceback:
- variables named like a sensitive field (`ssn`, `holder_ssn`, `date_of_birth`...);
- the sensitive keys of dicts and mappings, the sensitive fields of pydantic models and the
  sensitive attributes of model instances, wherever they are nested;
- any other variable whose text contains a sensitive value found in that frame or the frames
  that called it, since a value passed down loses its name (`value` in a field's code).
POST parameters named like a sensitive field are hidden too. See docs/decisions.
"""

import datetime as dt
import logging
import re
from collections.abc import Mapping

from django.db import models
from django.views.debug import SafeExceptionReporterFilter
from pydantic import BaseModel

from gemcare.common.errors import is_sensitive

# What is never worth searching for: an empty or very short value would match everywhere.
_SHORTEST_SECRET = 4
_DEPTH = 4


def _forms(value: object) -> set[str]:
    """The ways a sensitive value can show on a page: as text and as its repr."""
    if value is None or value == "":
        return set()
    forms = {str(value), repr(value)}
    if isinstance(value, dt.date):
        forms.add(value.isoformat())
    return {form for form in forms if len(form) >= _SHORTEST_SECRET}


def _sensitive_attributes(value: object) -> dict[str, object] | None:
    """The named parts of a structured value, or None when it has none to look into."""
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, BaseModel):
        return {name: getattr(value, name, None) for name in type(value).model_fields}
    if isinstance(value, models.Model):
        # The loaded attributes only: reading a deferred field would query the database.
        return {
            field.attname: value.__dict__[field.attname]
            for field in value._meta.concrete_fields
            if field.attname in value.__dict__
        }
    return None


def secrets_in(value: object, depth: int = 0) -> set[str]:
    """Every sensitive value held in `value` under a sensitive name, in its shown forms."""
    found: set[str] = set()
    if depth > _DEPTH:
        return found
    parts = _sensitive_attributes(value)
    if parts is not None:
        for name, item in parts.items():
            if is_sensitive(name):
                found |= _forms(item)
            else:
                found |= secrets_in(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in list(value)[:1000]:
            found |= secrets_in(item, depth + 1)
    return found


class SensitiveDataFilter(SafeExceptionReporterFilter):
    def is_active(self, request) -> bool:
        return True

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if not parameters:
            return parameters
        hidden = [name for name in parameters if is_sensitive(name)]
        if not hidden:
            return parameters
        cleansed = parameters.copy()
        for name in hidden:
            cleansed[name] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        secrets = self._secrets_up_the_stack(tb_frame)
        return [(name, self._cleansed(name, value, secrets)) for name, value in variables]

    def _secrets_up_the_stack(self, tb_frame) -> set[str]:
        secrets: set[str] = set()
        frame = tb_frame
        while frame is not None:
            for name, value in list(frame.f_locals.items()):
                if is_sensitive(name):
                    secrets |= _forms(value)
                else:
                    secrets |= secrets_in(value)
            frame = frame.f_back
        return secrets

    def _cleansed(self, name: str, value: object, secrets: set[str]) -> object:
        if isinstance(value, str) and value == self.cleansed_substitute:
            return value
        if is_sensitive(name):
            return self.cleansed_substitute
        own = secrets_in(value)
        if not (own or secrets):
            return value
        if own and isinstance(value, Mapping):
            # Keep what helps to debug: the mapping, with its sensitive keys hidden.
            value = self._cleansed_mapping(value)
        if _shows_any(value, own | secrets):
            return self.cleansed_substitute
        return value

    def _cleansed_mapping(self, value: Mapping, depth: int = 0) -> dict:
        return {
            key: self.cleansed_substitute
            if is_sensitive(str(key))
            else (
                self._cleansed_mapping(item, depth + 1)
                if isinstance(item, Mapping) and depth < _DEPTH
                else item
            )
            for key, item in value.items()
        }


def _shows_any(value: object, secrets: set[str]) -> bool:
    try:
        text = repr(value)
    except Exception:
        return True  # what cannot be looked at is not shown
    return any(secret in text for secret in secrets)


# --- logs ---------------------------------------------------------------------------------

# An SSN written the usual way; other sensitive values have no shape of their own, so logs
# also drop the sensitive keys of structured arguments.
_SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
HIDDEN = "[hidden]"


class SensitiveDataLogFilter(logging.Filter):
    """Rewrites a log record so that it carries no sensitive value: an SSN in the message is
    replaced, and arguments that hold sensitive values are replaced by `[hidden]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets: set[str] = set()
        args = record.args
        if isinstance(args, Mapping):
            secrets |= secrets_in(args)
        elif isinstance(args, tuple):
            for arg in args:
                secrets |= secrets_in(arg)
        try:
            message = record.getMessage()
        except Exception:
            return True
        record.msg, record.args = _scrubbed(message, secrets), None
        if record.exc_info:
            # Formatted here (again, if another handler already did), so that the traceback's
            # text is scrubbed as well.
            record.exc_text = _scrubbed(_FORMATTER.formatException(record.exc_info), secrets)
        elif record.exc_text:
            record.exc_text = _scrubbed(record.exc_text, secrets)
        return True


_FORMATTER = logging.Formatter()


def _scrubbed(text: str, secrets: set[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    return _SSN.sub(HIDDEN, text)

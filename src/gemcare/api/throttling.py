"""The rate limit per key: django-ninja's throttle, counted in Django's cache.

The count lives in the `default` cache. Django's default cache is in memory, per process: with
several worker processes each counts alone, so a deployment that wants one limit sets CACHES
to a shared cache (Redis, Memcached or the database cache; docs/partner-api.md).
"""

import threading

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

_state = threading.local()


def _per_thread(name: str) -> property:
    # ninja keeps one throttle for every request; the state of one check stays in its thread.
    return property(
        lambda self: getattr(_state, name, None), lambda self, value: setattr(_state, name, value)
    )


class KeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"
    history = _per_thread("history")
    now = _per_thread("now")
    key = _per_thread("key")

    def __init__(self) -> None:
        # Read at each request (below), so the setting may change without a restart of
        # this object; an empty rate turns the limit off.
        self.rate = None
        self.num_requests = self.duration = None

    def allow_request(self, request) -> bool:
        rate = settings.GEMCARE_API_RATE or None
        if rate != self.rate:
            self.num_requests, self.duration = self.parse_rate(rate)
            self.rate = rate
        if rate is None:
            return True
        return super().allow_request(request)

    def get_cache_key(self, request) -> str | None:
        auth = getattr(request, "auth", None)
        key = getattr(auth, "key", None)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.pk}

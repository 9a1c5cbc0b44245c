"""The rate limit per key: django-ninja's throttle, counted in Django's cache.

The count lives in the `default` cache: in memory and per process unless `CACHE_URL` names a
Redis server that every web process shares (config/settings.py, docs/operations.md). A cache
that fails (the server down or too slow) lets the request through and logs a warning: the
limit guards against a runaway client, and must not turn every request into an error
(docs/decisions/0025-shared-rate-limit.md).

A key may make the rate's number of requests in any `duration` seconds, as with ninja's own
`SimpleRateThrottle`, which keeps the time of every request of the last `duration` seconds
and so reads and writes a list as long as the rate on every request (1,200 entries at the
default rate; as many as the requests of the last minute when the rate is set far away).
Here the requests are counted in 60 slots of `duration / 60` seconds each (one second for
a rate per minute): at most 61 numbers per key whatever the rate, the same on every request
(docs/decisions/0021-api-hot-path.md). The slot that is partly older than `duration`
counts whole, so the count is never below the true one: a request is refused at most one
slot earlier than an exact count would, and never let through later. Like ninja's, the
read-then-write is not atomic across processes: under a burst the limit is approximate by a
few requests.
"""

import math
import threading

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

from gemcare.common.caching import CACHE_ERRORS, cache_failed

SLOTS = 60

_state = threading.local()


class KeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

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
        # ninja keeps one throttle for every request; a check's wait stays in its thread.
        _state.wait = None
        if rate is None:
            return True
        key = self.get_cache_key(request)
        if key is None:
            return True
        try:
            kept = self.cache.get(key)
        except CACHE_ERRORS as error:
            return _cache_failed(error)
        allowed, kept, wait = slots_count(
            kept, now=self.timer(), limit=self.num_requests, duration=self.duration
        )
        if not allowed:
            _state.wait = wait
            return False
        try:
            self.cache.set(key, kept, self.duration + math.ceil(self.duration / SLOTS))
        except CACHE_ERRORS as error:
            return _cache_failed(error)
        return True

    def wait(self) -> float | None:
        return getattr(_state, "wait", None)

    def get_cache_key(self, request) -> str | None:
        auth = getattr(request, "auth", None)
        key = getattr(auth, "key", None)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.pk}


def _cache_failed(error: Exception) -> bool:
    cache_failed(error, counting="API rate limit")
    return True


def slots_count(
    kept: object, *, now: float, limit: int, duration: int
) -> tuple[bool, tuple[tuple[int, int], ...], int]:
    """Whether one more request fits; the slots to keep if it does (else those read); and if
    it does not, the whole seconds until it would. `kept`: (slot number, requests) pairs, as
    this returns them, oldest first; anything else counts as none."""
    length = duration / SLOTS
    current = int(now // length)
    oldest = current - SLOTS  # partly older than `duration`: counted whole
    slots = []
    if isinstance(kept, tuple):
        slots = [
            pair
            for pair in kept
            if isinstance(pair, tuple) and len(pair) == 2 and oldest <= pair[0] <= current
        ]
    count = sum(requests for _, requests in slots)
    if count < limit:
        if slots and slots[-1][0] == current:
            slots[-1] = (current, slots[-1][1] + 1)
        else:
            slots.append((current, 1))
        return True, tuple(slots), 0
    # The oldest slots must leave the count, in order, until one more fits: a slot leaves it
    # once the current slot is more than SLOTS after it.
    for number, requests in slots:
        count -= requests
        if count < limit:
            return False, tuple(slots), max(1, math.ceil((number + SLOTS + 1) * length - now))
    return False, tuple(slots), math.ceil(duration)  # a limit below one request

"""Where the rate limit counts: the cache `CACHE_URL` names, shared by every web process, and
what happens when that cache fails (the request goes through, a warning is logged)."""

import logging
import os
import uuid
from types import SimpleNamespace

import pytest
import redis.exceptions
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured

from config.settings import cache_settings
from gemcare.api.throttling import KeyRateThrottle

pytestmark = pytest.mark.usefixtures("presets_once")

# A database of its own on the machine's Redis server, if it has one (CI's does).
REDIS_URL = os.environ.get("GEMCARE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_without_a_url_the_cache_is_in_memory_per_process():
    assert cache_settings("") == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def test_a_redis_url_is_the_shared_cache():
    found = cache_settings("rediss://cache.internal:6380/2")
    assert found["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert found["LOCATION"] == "rediss://cache.internal:6380/2"
    # A cache that does not answer must not hold a request for long.
    assert found["OPTIONS"]["socket_timeout"] <= 1


def test_another_kind_of_url_is_refused_without_echoing_it():
    with pytest.raises(ImproperlyConfigured) as refused:
        cache_settings("memcached://admin:s3cret-pass@cache.internal:11211")
    assert "CACHE_URL" in str(refused.value)
    assert "s3cret" not in str(refused.value) and "cache.internal" not in str(refused.value)


class FailingCache:
    """A cache whose server is gone, as redis-py reports it."""

    def get(self, key, default=None):
        raise redis.exceptions.ConnectionError(
            "Error 111 connecting to cache.internal:6379 as admin:s3cret"
        )

    set = get


def test_a_failing_cache_lets_requests_through_and_says_so(api, settings, monkeypatch, caplog):
    settings.GEMCARE_API_RATE = "1/min"
    monkeypatch.setattr(KeyRateThrottle, "cache", FailingCache())
    with caplog.at_level(logging.WARNING, logger="gemcare.cache"):
        statuses = [api.get("/products").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    warnings = [r.getMessage() for r in caplog.records if r.name == "gemcare.cache"]
    assert warnings and all("ConnectionError" in words for words in warnings)
    assert not any("s3cret" in words or "cache.internal" in words for words in warnings)


def test_a_failing_write_lets_the_request_through(api, settings, monkeypatch):
    """A socket timeout on the write (the server too slow)."""

    class WriteFails:
        def get(self, key, default=None):
            return default

        def set(self, *args, **kwargs):
            raise TimeoutError("timed out")

    settings.GEMCARE_API_RATE = "1/min"
    monkeypatch.setattr(KeyRateThrottle, "cache", WriteFails())
    assert [api.get("/products").status_code for _ in range(2)] == [200, 200]


def test_a_bug_in_the_cache_is_not_taken_for_an_outage(api, settings, monkeypatch):
    """Only a cache's own failures are let through: anything else is still an error."""

    class Broken:
        def get(self, key, default=None):
            raise ValueError("cannot unpickle")

    settings.GEMCARE_API_RATE = "1/min"
    monkeypatch.setattr(KeyRateThrottle, "cache", Broken())
    with pytest.raises(ValueError):
        api.get("/products")


def redis_cache() -> RedisCache:
    """A client of its own, as each web process has: nothing shared but the server."""
    settings = cache_settings(REDIS_URL)
    return RedisCache(settings["LOCATION"], {"OPTIONS": settings["OPTIONS"]})


@pytest.fixture
def shared_cache():
    probe = redis_cache()
    try:
        probe.get("probe")
    except Exception as error:  # no server: the machine has none
        missing = f"no Redis server at {REDIS_URL} ({type(error).__name__})"
        if os.environ.get("GEMCARE_REDIS_TESTS_REQUIRED") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    return probe


def test_processes_sharing_a_redis_cache_share_one_limit(shared_cache, settings):
    """Two throttles with clients of their own (two web processes) let through the rate
    between them, not each; a cache in memory per process would let through twice as many."""
    settings.GEMCARE_API_RATE = "5/min"
    key = SimpleNamespace(pk=f"test-{uuid.uuid4().hex}")
    request = SimpleNamespace(auth=SimpleNamespace(key=key))
    processes = []
    for _ in range(2):
        throttle = KeyRateThrottle()
        throttle.cache = redis_cache()
        processes.append(throttle)
    try:
        allowed = [processes[n % 2].allow_request(request) for n in range(10)]
    finally:
        shared_cache.delete(processes[0].get_cache_key(request))
    assert allowed == [True] * 5 + [False] * 5
    assert processes[1].wait() >= 1

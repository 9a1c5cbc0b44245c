"""The shared cache's failures (a Redis server down or too slow, docs/decisions/0025): what
counts in it (rate limits) lets the request through, and says so in the log."""

import logging

logger = logging.getLogger("gemcare.cache")


def _errors() -> tuple[type[BaseException], ...]:
    # A server gone or too slow: the socket's errors, and redis-py's own (which are not
    # OSErrors). Anything else (a bug, a value that cannot be pickled) is not caught.
    try:
        from redis.exceptions import RedisError
    except ImportError:
        return (OSError,)
    return (OSError, RedisError)


CACHE_ERRORS = _errors()
"""What a cache call raises when the shared cache fails: counting is then left out."""


def cache_failed(error: Exception, *, counting: str) -> None:
    # The error's kind only: a backend's message may name its server and credentials.
    logger.warning("%s not counted: the cache failed (%s)", counting, type(error).__name__)

"""The shared cache's failures (a Redis server down or too slow, docs/decisions/0025): what
counts in it (rate limits) lets the request through, and says so in the log."""

import logging

logger = logging.getLogger("gemcare.cache")


def cache_failed(error: Exception, *, counting: str) -> None:
    # The error's kind only: a backend's message may name its server and credentials.
    logger.warning("%s not counted: the cache failed (%s)", counting, type(error).__name__)

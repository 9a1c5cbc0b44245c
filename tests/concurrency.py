"""Work released at once in several threads, for the tests that race writers on PostgreSQL.

Each thread has its own database connection (Django gives one per thread) and closes it at
its end, so a test that commits leaves no connection open behind it.
"""

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(count: int, work: Callable[[int], object]) -> list:
    """`work(i)` in `count` threads released together, each with its own connection: what
    each returned, or the exception it raised (for the test to report)."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            start.wait(timeout=10)
            results[index] = work(index)
        except BaseException as error:  # reported by the test, in its own thread
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results

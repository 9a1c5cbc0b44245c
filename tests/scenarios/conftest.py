import io

import pytest
from django.core.management import call_command
from django.db import connection
from factories import assert_on_the_test_database

from gemcare.catalog import selectors


@pytest.fixture(autouse=True)
def terms_cache_cleared():
    """The catalog keeps published terms per process, keyed by row id. Each test rolls back,
    so on SQLite the next test reuses the same ids for other versions: start each test with
    an empty cache so one test's versions cannot leak into another's."""
    selectors._plan_terms.clear()
    selectors._ratings.clear()
    yield
    selectors._plan_terms.clear()
    selectors._ratings.clear()


@pytest.fixture(scope="module")
def run(django_db_setup, django_db_blocker):
    """`run(*paths, json=False)` → (exit code, output) of `scenarios run`."""

    def play(*paths, json: bool = False) -> tuple[int, str]:
        output = io.StringIO()
        arguments = ["scenarios", "run", *map(str, paths), *(["--json"] if json else [])]
        with django_db_blocker.unblock():
            if connection.vendor == "sqlite":
                assert_on_the_test_database()
            try:
                call_command(*arguments, stdout=output)
                code = 0
            except SystemExit as exit:
                code = exit.code
        return code, output.getvalue()

    return play

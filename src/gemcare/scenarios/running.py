"""Running scenario suites on a fresh temporary database.

The database is created like a test database (in memory for SQLite, a throw-away database on
PostgreSQL), migrated, loaded with the presets, and destroyed at the end. Each scenario runs
in its own transaction, rolled back afterwards, so scenarios cannot see each other.
"""

import os

from django.conf import settings
from django.db import connections, transaction
from django.test.utils import setup_databases, teardown_databases

from gemcare.catalog.services import presets_load
from gemcare.common.errors import ApplicationError
from gemcare.scenarios.loading import ScenarioSource, load_scenarios
from gemcare.scenarios.player import Player, ScenarioProblem, ScenarioResult


class _Rollback(Exception):
    pass


def play_source(source: ScenarioSource) -> ScenarioResult:
    if source.problem:
        return ScenarioResult(source.name, source.where, False, problem=source.problem)
    result = ScenarioResult(source.name, source.where, False)
    try:
        with transaction.atomic():
            try:
                result.events = Player(source.data).play()
            except ScenarioProblem as problem:
                result.problem = str(problem)
            except ApplicationError as error:
                result.problem = f"cannot be set up: {error.describe()}"
            raise _Rollback
    except _Rollback:
        pass
    result.passed = result.problem is None and all(event.passed for event in result.events)
    return result


def play_sources(sources: list[ScenarioSource]) -> list[ScenarioResult]:
    presets_load()
    return [play_source(source) for source in sources]


def run_paths(paths: list[str]) -> list[ScenarioResult]:
    """Load, then play every scenario on a temporary database made for this run."""
    sources = load_scenarios(paths)
    for alias in connections:
        test = settings.DATABASES[alias].setdefault("TEST", {})
        if connections[alias].vendor != "sqlite":
            test.setdefault("NAME", f"gemcare_scenarios_{os.getpid()}")
    old_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        return play_sources(sources)
    finally:
        teardown_databases(old_config, verbosity=0)

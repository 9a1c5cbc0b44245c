"""Running scenario suites on a fresh temporary database.

The database is created like a test database (in memory for SQLite, a throw-away database on
PostgreSQL), migrated, loaded with the presets, and destroyed at the end. Each scenario runs
in its own transaction, rolled back afterwards, so scenarios cannot see each other, and what
goes wrong in one scenario is reported as that scenario's failure: the others still play.
"""

import os
import traceback

from django.conf import settings
from django.db import connections, transaction
from django.test.utils import setup_databases, teardown_databases

from gemcare.catalog.services import presets_load
from gemcare.common.callers import Caller
from gemcare.common.errors import ApplicationError
from gemcare.scenarios.loading import ScenarioSource, load_scenarios
from gemcare.scenarios.player import Player, ScenarioProblem, ScenarioResult


class _Rollback(Exception):
    pass


def _unexpected(error: BaseException, where: str) -> str:
    """An error the services did not mean to give, said with its type and the line of our
    code that raised it, so that it reads as the fault it is."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "/gemcare/" in frame.filename] or frames
    at = ""
    if ours:
        frame = ours[-1]
        at = f" (at {frame.filename.rsplit('/gemcare/', 1)[-1]}:{frame.lineno})"
    message = str(error)
    if len(message) > 200:
        message = message[:200] + "…"
    return f"{where}: failed with {type(error).__name__}: {message}{at}"


def play_source(source: ScenarioSource) -> ScenarioResult:
    if source.problem:
        return ScenarioResult(source.name, source.where, False, problem=source.problem)
    result = ScenarioResult(source.name, source.where, False)
    player = None
    try:
        with transaction.atomic():
            try:
                player = Player(source.data)
                player.play()
            except ScenarioProblem as problem:
                result.problem = str(problem)
            except ApplicationError as error:
                result.problem = f"cannot be set up: {error.describe()}"
            except RecursionError:
                result.problem = f"{player.where if player else 'set-up'}: nests too deep to play"
            except Exception as error:
                # A runner must report every file: an error nobody meant (a TypeError from a
                # value of a type no input model expected, a fault in our own code) fails this
                # scenario, named with its type and line, and the other scenarios still play.
                where = getattr(player, "where", "set-up")
                result.problem = _unexpected(error, where)
            finally:
                result.events = list(getattr(player, "results", []))
            raise _Rollback
    except _Rollback:
        pass
    result.passed = result.problem is None and all(event.passed for event in result.events)
    return result


def play_sources(sources: list[ScenarioSource]) -> list[ScenarioResult]:
    presets_load(caller=Caller.system("presets"))
    return [play_source(source) for source in sources]


def run_paths(paths: list[str]) -> list[ScenarioResult]:
    """Load, then play every scenario on a temporary database made for this run."""
    sources = load_scenarios(paths)
    # The run's own throw-away database, never one a test run already made (a test database
    # name may be set already, e.g. per worker of a parallel test run).
    names_before = {}
    for alias in connections:
        test = settings.DATABASES[alias].setdefault("TEST", {})
        if connections[alias].vendor != "sqlite":
            names_before[alias] = test.get("NAME")
            test["NAME"] = f"gemcare_scenarios_{os.getpid()}"
    old_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        return play_sources(sources)
    finally:
        teardown_databases(old_config, verbosity=0)
        for alias, name in names_before.items():
            settings.DATABASES[alias]["TEST"]["NAME"] = name

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(request):
    """Real hashing is slow by design; tests log in often. (The rules tests run without
    Django too, so the settings are reached only when Django is there.)"""
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def append_only_ledgers_flushable(request):
    """The ledgers refuse DELETE by triggers (common migration 0003). A transactional test
    empties the tables at its end with DELETE on SQLite (TRUNCATE, which the triggers allow,
    on PostgreSQL), so on SQLite the flush alone drops the triggers and creates them again,
    in the flush's own transaction. Every test still runs with the triggers in place.
    (Session-wide: pytest-django's own fixtures flush after any function-scoped one ends.)"""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    operations = type(connection.ops)
    execute_sql_flush = operations.execute_sql_flush

    def flush_around_triggers(self, sql_list):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND name GLOB '*_append_only_*'"
            )
            triggers = cursor.fetchall()
        drops = [f'DROP TRIGGER "{name}"' for name, _ in triggers]
        execute_sql_flush(self, drops + list(sql_list) + [sql for _, sql in triggers])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "execute_sql_flush", flush_around_triggers)
        yield


@pytest.fixture
def presets(db):
    """The preset products, published as version 1 (RULEBOOK §2 and §6)."""
    from gemcare.catalog.services import presets_load
    from gemcare.common.callers import Caller

    presets_load(caller=Caller.system("presets"))
    return None

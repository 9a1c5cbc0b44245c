import pytest
from factories import presets, presets_once  # noqa: F401  (fixtures)

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


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, with the second factor the admin asks for."""
    from gemcare.portals.testing import verified_login

    verified_login(client, admin_user)
    return client

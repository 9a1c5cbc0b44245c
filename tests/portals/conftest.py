import pytest
from django.core.cache import cache
from factories import presets, presets_once  # noqa: F401  (fixtures)
from portal_support import people_make

from gemcare.catalog import selectors


@pytest.fixture(autouse=True)
def terms_cache_cleared():
    """Published terms are kept per process by row id, and ids are reused after a rollback."""
    selectors._plan_terms.clear()
    selectors._ratings.clear()
    yield
    selectors._plan_terms.clear()
    selectors._ratings.clear()


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(db):
    """Two retailers (A with stores A1 and A2, and B), their staff, the provider's staff."""
    return people_make()

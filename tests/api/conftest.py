import pytest
from api_support import ApiClient, key_make
from django.core.cache import cache
from factories import presets, presets_once, store_make  # noqa: F401  (fixtures)

from gemcare.catalog import selectors


@pytest.fixture(autouse=True)
def terms_cache_cleared():
    """Published terms are kept per process by row id, and ids are reused after a rollback."""
    selectors._plan_terms.clear()
    yield
    selectors._plan_terms.clear()


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def store(db):
    return store_make(state="TX")


@pytest.fixture
def key(store):
    return key_make(store.retailer)


@pytest.fixture
def api(key):
    return ApiClient(key[1])


@pytest.fixture
def other_api(db):
    """A key of another retailer."""
    other_store = store_make(state="OK")
    return ApiClient(key_make(other_store.retailer)[1])

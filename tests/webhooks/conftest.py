import pytest
from factories import presets, presets_once  # noqa: F401  (fixtures)
from webhook_receiver import receiver_running

from gemcare.catalog import selectors

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def terms_cache_cleared():
    """As in tests/contracts: each test starts with the catalog's per-process cache empty."""
    selectors._plan_terms.clear()
    selectors._ratings.clear()
    yield
    selectors._plan_terms.clear()
    selectors._ratings.clear()


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    """Receivers in tests listen on 127.0.0.1 over plain http; tasks run at once unless a
    test asks for the database backend."""
    settings.GEMCARE_WEBHOOKS_ALLOW_HTTP = True
    settings.GEMCARE_WEBHOOKS_ALLOW_PRIVATE = True
    settings.TASKS = IMMEDIATE


@pytest.fixture
def receiver():
    with receiver_running() as running:
        yield running

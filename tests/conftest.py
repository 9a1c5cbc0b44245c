import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing is slow by design; tests log in often."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def presets(db):
    """The preset products, published as version 1 (RULEBOOK §2 and §6)."""
    from gemcare.catalog.services import presets_load

    presets_load()
    return None

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(request):
    """Real hashing is slow by design; tests log in often. (The rules tests run without
    Django too, so the settings are reached only when Django is there.)"""
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def presets(db):
    """The preset products, published as version 1 (RULEBOOK §2 and §6)."""
    from gemcare.catalog.services import presets_load

    presets_load()
    return None

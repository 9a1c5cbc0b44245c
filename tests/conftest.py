import pytest


@pytest.fixture
def presets(db):
    """The preset products, published as version 1 (RULEBOOK §2 and §6)."""
    from gemcare.catalog.services import presets_load

    presets_load()
    return None

import pytest
from insurance_factories import bind


@pytest.fixture
def policy(presets):
    return bind()

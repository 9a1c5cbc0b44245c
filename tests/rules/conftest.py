"""Shared inputs for the rules tests: the shipped presets, loaded as a contract would be sold.

Pure Python only: these tests need no database and no Django.
"""

import functools

import pytest

from gemcare.rules.insurance import InsuranceRating, insurance_rating_from_definition
from gemcare.rules.presets import INSURANCE_PRESETS, PLAN_PRESETS
from gemcare.rules.products import PlanTerms, plan_terms_from_definition


@functools.cache
def preset_terms(code: str) -> PlanTerms:
    """The terms of a shipped plan preset, published as version 1."""
    return plan_terms_from_definition(code, 1, PLAN_PRESETS[code])


@functools.cache
def preset_rating() -> InsuranceRating:
    return insurance_rating_from_definition(
        "personal-jewelry", 1, INSURANCE_PRESETS["personal-jewelry"]
    )


@pytest.fixture(scope="session")
def terms():
    """`terms("ljpp-lifetime")` gives the PlanTerms of that preset."""
    return preset_terms


@pytest.fixture(scope="session")
def rating() -> InsuranceRating:
    return preset_rating()

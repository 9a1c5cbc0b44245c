"""The typed input of the customer site's policy forms, read with `form_read`.

Signing in names the policy and the email of one of its named insureds. The online bind is
the insurance service's own `PolicyBindIn`, with what the site adds for someone who is not
known yet: the first named insured gives an email (the declarations page and every sign-in
code go there), and the policy starts today or later.
"""

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, StrictBool, field_validator

from gemcare.common.clock import today
from gemcare.common.schemas import (
    Day,
    InputSchema,
    email,
    invalid,
    max_length_of,
    text,
)
from gemcare.insurance.models import NamedInsured, Policy
from gemcare.insurance.schemas import PolicyBindIn


def _given(value: str) -> str:
    if not value:
        raise invalid("is required")
    return value


class PolicyNumberFindIn(InputSchema):
    """My policy: its number and the email of a named insured on it."""

    policy_number: text(max_length_of(Policy, "number"), min_length=1)
    email: Annotated[email(max_length_of(NamedInsured, "email")), AfterValidator(_given)]


class OnlinePolicyBindIn(PolicyBindIn):
    @field_validator("named_insureds")
    @classmethod
    def _first_has_an_email(cls, insureds: list) -> list:
        if insureds and not insureds[0].email:
            raise invalid("the first named insured needs an email: the policy is sent there")
        return insureds

    @field_validator("start")
    @classmethod
    def _not_in_the_past(cls, start: dt.date) -> dt.date:
        if start < today():
            raise invalid("is in the past: cover bought online starts today or later")
        return start


def _ticked(value: bool) -> bool:
    if not value:
        raise invalid("must be ticked to go on")
    return value


class PolicyholderCancelIn(InputSchema):
    """The policyholder's own cancellation: the day it takes effect (today or later, which
    the service checks) and the box that says they understood the refund shown."""

    cancel_on: Day
    confirm: Annotated[StrictBool, AfterValidator(_ticked)]

"""The typed input of the partner services a retailer's manager uses: staff accounts and
API keys, read once at the edge like every other input (`gemcare.common.schemas`)."""

import re
from typing import Annotated

from django.contrib.auth import get_user_model
from pydantic import AfterValidator, StrictBool

from gemcare.common.schemas import (
    InputSchema,
    bounded_list,
    code,
    email,
    invalid,
    max_length_of,
    text,
)
from gemcare.partners.models import ApiKey, RetailerStaff, Store

User = get_user_model()
# What Django's own username validator allows: letters, digits and @ . + - _
_USERNAME = re.compile(r"[\w.@+-]+", re.ASCII)


def _username(value: str) -> str:
    if not _USERNAME.fullmatch(value):
        raise invalid("may hold only letters, digits and the signs @ . + - _")
    return value


def _required_email(value: str) -> str:
    if not value:
        raise invalid("is required: the link to choose a password is sent there")
    return value


class StaffIn(InputSchema):
    """A new staff account of the manager's retailer. It has no password: the person
    chooses their own through a link sent to `email` (partners.services)."""

    username: Annotated[
        text(max_length_of(User, "username"), min_length=1), AfterValidator(_username)
    ]
    name: text(max_length_of(User, "first_name"), min_length=1)
    email: Annotated[email(max_length_of(User, "email")), AfterValidator(_required_email)]
    role: code([role for role, _ in RetailerStaff.ROLES], "staff role")
    # The store the person works at; a sales associate with one sees only that store's sales.
    store: text(max_length_of(Store, "code")) = ""


class ApiKeyIn(InputSchema):
    """A new API key of the manager's retailer."""

    name: text(max_length_of(ApiKey, "name"), min_length=1)
    scopes: bounded_list(code(ApiKey.SCOPES, "scope"), max_items=len(ApiKey.SCOPES))
    store: text(max_length_of(Store, "code")) = ""  # empty: every store of the retailer
    is_test: StrictBool = False

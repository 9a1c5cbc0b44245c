"""The typed input of the customer site's forms, read with `form_read` like every other door.

Where a form feeds a contract or claim service, its schema holds only what the holder
types; the service module (`customer.services`) turns it into the service's own schema
(`ClaimIn`, `CancellationIn`, `TransferIn`), which checks it again as for any caller.
"""

from typing import Annotated

from pydantic import AfterValidator, StrictBool, ValidationInfo, field_validator

from gemcare.claims.schemas import MAX_CLAIM_LINES, MAX_SIZES
from gemcare.common.schemas import (
    InputSchema,
    Money,
    PastDay,
    bounded_int,
    bounded_list,
    code,
    email,
    invalid,
    max_length_of,
    text,
)
from gemcare.contracts.models import Contract, Holder
from gemcare.contracts.schemas import State
from gemcare.rules import vocabulary

CODE_DIGITS = 6
# Longer than any plan number or receipt number: longer input is not even looked up.
PLAN_NUMBER_MAX_LENGTH = max_length_of(Contract, "number")
RECEIPT_NUMBER_MAX_LENGTH = max_length_of(Contract, "receipt_number")
LAST_NAME_MAX_LENGTH = max_length_of(Holder, "name")

JEWELER_UNAVAILABLE = "jeweler_unavailable"
MOVED_AWAY = "moved_away"
WHY_NOT_THE_JEWELER = {
    JEWELER_UNAVAILABLE: "The jeweler I bought the plan from is closed or cannot help",
    MOVED_AWAY: "I moved away from the jeweler I bought the plan from",
}


def _given(value: str) -> str:
    if not value:
        raise invalid("is required")
    return value


RequiredEmail = Annotated[email(max_length_of(Holder, "email")), AfterValidator(_given)]


class PlanNumberFindIn(InputSchema):
    """Find my plan by its number and the email on file."""

    plan_number: text(PLAN_NUMBER_MAX_LENGTH, min_length=1)
    email: RequiredEmail


class ReceiptFindIn(InputSchema):
    """Find my plan by the receipt's number and the holder's last name."""

    receipt_number: text(RECEIPT_NUMBER_MAX_LENGTH, min_length=1)
    last_name: text(LAST_NAME_MAX_LENGTH, min_length=1)


def _six_digits(value: str) -> str:
    compact = value.replace(" ", "").replace("-", "")
    if len(compact) != CODE_DIGITS or not compact.isascii() or not compact.isdigit():
        raise invalid(f"is the {CODE_DIGITS}-digit code from the email")
    return compact


class SignInCodeIn(InputSchema):
    code: Annotated[text(20, min_length=1), AfterValidator(_six_digits)]


class ClaimLineFormIn(InputSchema):
    """A row of "what is broken": a covered service, and its cost if the holder has an
    estimate (`customer.services` says what a row without one is filed at)."""

    service: code(vocabulary.SERVICES, "service")
    cost: Money | None = None
    sizes: bounded_int(1, MAX_SIZES) | None = None


class CustomerClaimIn(InputSchema):
    """The claim form: about you, then about the damage."""

    # About you: the contact details on file, confirmed or corrected, and why the claim
    # comes here rather than to the jeweler.
    email: RequiredEmail
    phone: text(max_length_of(Holder, "phone")) = ""
    why: code(WHY_NOT_THE_JEWELER, "reason for filing here")
    # About the damage.
    incident: PastDay
    cause: code(vocabulary.CAUSES, "cause")
    lines: bounded_list(ClaimLineFormIn, max_items=MAX_CLAIM_LINES)
    repairable: StrictBool = True
    maintenance_done: StrictBool = True

    @field_validator("lines")
    @classmethod
    def _each_service_once(cls, lines: list, info: ValidationInfo) -> list:
        services = [line.service for line in lines]
        if len(set(services)) != len(services):
            raise invalid("names a service twice")
        return lines


def _ticked(value: bool) -> bool:
    if not value:
        raise invalid("must be ticked to go on")
    return value


Ticked = Annotated[StrictBool, AfterValidator(_ticked)]


class CustomerCancelIn(InputSchema):
    """The holder's cancellation, as of today."""

    reason: code(vocabulary.HOLDER_CANCELLATION_REASONS, "cancellation reason") = "holder_request"
    confirm: Ticked


class TransferInviteIn(InputSchema):
    """The new holder, as the current holder names them."""

    name: text(max_length_of(Holder, "name"), min_length=1)
    state: State
    email: RequiredEmail
    confirm: Ticked


class TransferAcceptIn(InputSchema):
    """The recipient confirms their name and state (the email is the one invited)."""

    name: text(max_length_of(Holder, "name"), min_length=1)
    state: State
    confirm: Ticked

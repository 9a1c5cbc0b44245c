"""The typed input of the contract services: a sale, its item and holder, a transfer, a
cancellation, a refund payment.

Every door (the partner API, the portals, bulk files, the scenario runner) reads its input
into these models with `validate_input`; the services take them as they are.
"""

import datetime as dt
import re
from typing import Annotated, Any

from django.views.decorators.debug import sensitive_variables
from pydantic import (
    BeforeValidator,
    Field,
    StrictBool,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from gemcare.catalog.models import PlanProduct
from gemcare.common.clock import today
from gemcare.common.schemas import (
    BirthDate,
    Day,
    InputSchema,
    PastDay,
    PositiveMoney,
    bounded_int,
    code,
    invalid,
    max_length_of,
    text,
)
from gemcare.common.schemas import email as email_address
from gemcare.contracts.models import RECEIPT_LINE_MAX, Contract, Holder
from gemcare.rules import vocabulary
from gemcare.rules.refunds import PROVIDER

# ASCII digits only (Python's \d takes any script's), as the OpenAPI patterns say.
_SSN_PATTERN = r"[0-9]{3}-[0-9]{2}-[0-9]{4}"
_BANK_ACCOUNT_PATTERN = r"[0-9]{4,17}"
GOVERNMENT_ID_MAX_LENGTH = 40
_GOVERNMENT_ID_PATTERN = rf"[A-Za-z0-9 -]{{1,{GOVERNMENT_ID_MAX_LENGTH}}}"
_SSN = re.compile(_SSN_PATTERN)
_BANK_ACCOUNT = re.compile(_BANK_ACCOUNT_PATTERN)
_GOVERNMENT_ID = re.compile(_GOVERNMENT_ID_PATTERN)


@sensitive_variables("value")
def _ssn(value: object) -> str:
    if not isinstance(value, str):
        raise invalid("must be text")
    value = value.strip()
    if value and not _SSN.fullmatch(value):
        raise invalid("is not an SSN (expected three digits, two, then four: NNN-NN-NNNN)")
    return value


@sensitive_variables("value")
def _bank_account(value: object) -> str:
    if not isinstance(value, str):
        raise invalid("must be text")
    value = value.strip()
    if value and not _BANK_ACCOUNT.fullmatch(value):
        raise invalid("is not a bank account number (4 to 17 digits)")
    return value


@sensitive_variables("value")
def _government_id(value: object) -> str:
    if not isinstance(value, str):
        raise invalid("must be text")
    value = value.strip()
    if value and not _GOVERNMENT_ID.fullmatch(value):
        raise invalid(
            f"is not a government ID (letters, digits, spaces and dashes, at most "
            f"{GOVERNMENT_ID_MAX_LENGTH})"
        )
    return value


def _secret(pattern: str) -> WithJsonSchema:
    """A sensitive value's schema: write-only, empty or of its pattern."""
    return WithJsonSchema({"type": "string", "writeOnly": True, "pattern": f"^({pattern})?$"})


Ssn = Annotated[str, BeforeValidator(_ssn), _secret(_SSN_PATTERN)]
BankAccount = Annotated[str, BeforeValidator(_bank_account), _secret(_BANK_ACCOUNT_PATTERN)]
GovernmentId = Annotated[str, BeforeValidator(_government_id), _secret(_GOVERNMENT_ID_PATTERN)]
State = code(vocabulary.US_STATES, "US state")


class ItemIn(InputSchema):
    kind: code(vocabulary.ITEM_KINDS, "item kind")
    price: PositiveMoney
    description: text(max_length_of(Contract, "item_description")) = ""
    serial: text(max_length_of(Contract, "item_serial")) = ""
    water_resistant: StrictBool = False
    gift: StrictBool = False
    sold: PastDay | None = None  # the item's sale date; the plan's purchase date if not given


class HolderIn(InputSchema):
    """A new holder. The sensitive fields are encrypted at rest and never quoted in errors."""

    name: text(max_length_of(Holder, "name"), min_length=1)
    state: State
    email: email_address(max_length_of(Holder, "email")) = ""
    phone: text(max_length_of(Holder, "phone")) = ""
    address: text(max_length_of(Holder, "address")) = ""
    # Kept out of the repr: a schema may be printed in a log or an error page.
    date_of_birth: BirthDate | None = Field(default=None, repr=False)
    ssn: Ssn = Field(default="", repr=False)
    government_id: GovernmentId = Field(default="", repr=False)
    bank_account: BankAccount = Field(default="", repr=False)
    marketing_opt_out: StrictBool = False

    @sensitive_variables()
    def stored(self) -> dict:
        """The values as the holder's columns keep them (a date of birth as ISO text)."""
        values = self.model_dump()
        birth = values["date_of_birth"]
        values["date_of_birth"] = birth.isoformat() if birth else ""
        return values


class HolderChangesIn(InputSchema):
    """Changes to a holder's details: only the fields given change."""

    name: text(max_length_of(Holder, "name"), min_length=1) | None = None
    state: State | None = None
    email: email_address(max_length_of(Holder, "email")) | None = None
    phone: text(max_length_of(Holder, "phone")) | None = None
    address: text(max_length_of(Holder, "address")) | None = None
    date_of_birth: BirthDate | None = Field(default=None, repr=False)
    ssn: Ssn | None = Field(default=None, repr=False)
    government_id: GovernmentId | None = Field(default=None, repr=False)
    bank_account: BankAccount | None = Field(default=None, repr=False)
    marketing_opt_out: StrictBool | None = None

    @sensitive_variables()
    def stored(self) -> dict:
        """The fields given, as the holder's columns keep them."""
        values = self.model_dump(exclude_unset=True)
        if "date_of_birth" in values:
            birth = values["date_of_birth"]
            values["date_of_birth"] = birth.isoformat() if birth else ""
        return {
            name: value
            for name, value in values.items()
            if value is not None or name == "date_of_birth"
        }


class SaleIn(InputSchema):
    product: text(max_length_of(PlanProduct, "code"), min_length=1)
    receipt_number: text(max_length_of(Contract, "receipt_number"), min_length=1)
    receipt_line: bounded_int(1, RECEIPT_LINE_MAX) = 1
    item: ItemIn
    holder: HolderIn | None = None  # None when the service is given an existing holder
    purchased: PastDay
    # The price the point of sale charged: when given, it must be the band's price.
    plan_price: PositiveMoney | None = None
    # An item sold as a gift may name its recipient (RULEBOOK 3): the recipient holds the
    # plan from the sale on, and that one naming is the gift's.
    gift_recipient: HolderIn | None = None
    # Layaway or special order: registered now, covered from the pickup on.
    pending_pickup: StrictBool = False

    @field_validator("gift_recipient")
    @classmethod
    def _recipient_of_a_gift(cls, recipient: HolderIn | None, info: ValidationInfo) -> Any:
        item = info.data.get("item")
        if recipient is not None and item is not None and not item.gift:
            raise invalid(
                "is named only for an item sold as a gift (item.gift)",
                code="gift_recipient_without_gift",
            )
        return recipient


class QuoteIn(InputSchema):
    product: text(max_length_of(PlanProduct, "code"), min_length=1)
    kind: code(vocabulary.ITEM_KINDS, "item kind")
    price: PositiveMoney


class TransferIn(InputSchema):
    date: PastDay
    holder: HolderIn | None = None  # None when the service is given an existing holder


class CancellationIn(InputSchema):
    """A cancellation. Only the provider's may be dated ahead, and only with its notice;
    a notice is never after the date it gives notice of."""

    by: code(vocabulary.CANCELLERS, "canceller") = "holder"
    reason: code(vocabulary.CANCELLATION_REASONS, "cancellation reason") | None = None
    date: Day
    notice: PastDay | None = Field(default=None, validate_default=True)

    @field_validator("date")
    @classmethod
    def _ahead_only_by_the_provider(cls, day: dt.date, info: ValidationInfo) -> dt.date:
        if day > today() and info.data.get("by") != PROVIDER:
            raise invalid("is in the future (only the provider's cancellation, with notice)")
        return day

    @field_validator("notice")
    @classmethod
    def _notice_before_date(cls, notice: dt.date | None, info: ValidationInfo) -> Any:
        day = info.data.get("date")
        if day is None:
            return notice
        if notice is None:
            if day > today():
                raise invalid("is required for a cancellation dated ahead")
            return None
        if notice > day:
            raise invalid("is after the cancellation date")
        return notice


class ReturnIn(InputSchema):
    """The item came back to the store (its return policy): the plan is void if the return
    falls in the free look."""

    date: PastDay


class PickupIn(InputSchema):
    """A layaway or special order is picked up: coverage starts that day."""

    date: PastDay


class RefundPaymentIn(InputSchema):
    paid: PastDay

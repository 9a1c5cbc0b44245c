"""What the insurance services take: every door reads its input into these first.

Lengths come from the model fields, codes from the rulebook's vocabulary, counts have bounds
(a policy names at most `MAX_NAMED_INSUREDS` people and schedules at most
`MAX_SCHEDULED_ITEMS` items), and dates lie in the platform's window. What needs the database
(the policy's period, its recorded changes, its items) the services check.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import (
    BeforeValidator,
    Field,
    StrictBool,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from gemcare.catalog.models import InsuranceProduct
from gemcare.common.schemas import (
    BirthDate,
    Day,
    InputSchema,
    Money,
    PastDay,
    PositiveMoney,
    bounded_int,
    bounded_list,
    code,
    invalid,
    max_length_of,
    text,
)
from gemcare.common.schemas import email as email_address
from gemcare.insurance.models import (
    INDEX_DIGITS,
    NamedInsured,
    NewlyAcquiredItem,
    Policy,
    PolicyPayment,
    ScheduledItem,
)
from gemcare.insurance.models import ValueIndex as ValueIndexModel
from gemcare.rules import vocabulary
from gemcare.rules.insurance import INSURED, INSURER

MAX_NAMED_INSUREDS = 10
MAX_SCHEDULED_ITEMS = 100
# Paying by installments spreads one year's premium: monthly at most.
MAX_INSTALLMENTS = 12
DEFAULT_PRODUCT = "personal-jewelry"


# --- value index -----------------------------------------------------------------------------

_INDEX_PLACES = Decimal(1).scaleb(-INDEX_DIGITS["decimal_places"])
_INDEX_CEILING = Decimal(10) ** (INDEX_DIGITS["max_digits"] - INDEX_DIGITS["decimal_places"])


def _index(value: object) -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
        raise invalid('must be given as a string such as "112.5"')
    if isinstance(value, str) and len(value) > 32:
        raise invalid("is not a number")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise invalid("is not a number") from None
    if not number.is_finite() or number <= 0:
        raise invalid("must be a positive number")
    if number >= _INDEX_CEILING or number != number.quantize(_INDEX_PLACES):
        raise invalid("must have at most four decimals and eight digits")
    return number.quantize(_INDEX_PLACES)


ValueIndex = Annotated[
    Decimal,
    BeforeValidator(_index),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,8}(\.\d{1,4})?$", "examples": ["112.5"]}),
]
"""A value index (the insurance value adjustment): positive, at most four decimals."""


# --- shared fields ---------------------------------------------------------------------------

State = code(vocabulary.US_STATES, "US state")
ProductCode = text(max_length_of(InsuranceProduct, "code"), min_length=1)
Installments = bounded_int(1, MAX_INSTALLMENTS)
ItemRef = text(max_length_of(ScheduledItem, "ref"), min_length=1)
ItemKind = code(vocabulary.INSURANCE_ITEM_KINDS, "insurance item kind")
Description = text(max_length_of(ScheduledItem, "description"))
PossessedBy = text(max_length_of(ScheduledItem, "possessed_by"))
SerialNumber = text(max_length_of(ScheduledItem, "serial_number"))
GradingReportNumber = text(max_length_of(ScheduledItem, "grading_report_number"))


class PolicyQuoteIn(InputSchema):
    state: State
    deductible: Money
    limits: bounded_list(PositiveMoney, max_items=MAX_SCHEDULED_ITEMS)
    installments: Installments = 1
    product_code: ProductCode = DEFAULT_PRODUCT


class NamedInsuredIn(InputSchema):
    name: text(max_length_of(NamedInsured, "name"), min_length=1)
    email: email_address(max_length_of(NamedInsured, "email")) = ""
    date_of_birth: BirthDate | None = None


class ScheduledItemIn(InputSchema):
    ref: ItemRef
    kind: ItemKind
    description: Description = ""
    limit: PositiveMoney
    possessed_by: PossessedBy = ""
    appraisal_value: PositiveMoney | None = None
    appraised_on: PastDay | None = None
    serial_number: SerialNumber = ""
    grading_report_number: GradingReportNumber = ""


class PolicyBindIn(InputSchema):
    named_insureds: bounded_list(NamedInsuredIn, max_items=MAX_NAMED_INSUREDS)
    address: text(max_length_of(Policy, "address")) = ""
    state: State
    start: Day
    deductible: Money
    items: bounded_list(ScheduledItemIn, max_items=MAX_SCHEDULED_ITEMS)
    installments: Installments = 1
    value_adjustment: StrictBool = False
    value_index: ValueIndex | None = None
    product_code: ProductCode = DEFAULT_PRODUCT


class ScheduledItemAddIn(InputSchema):
    ref: ItemRef
    kind: ItemKind
    limit: PositiveMoney
    on: Day
    description: Description = ""
    possessed_by: PossessedBy = ""
    value_index: ValueIndex | None = None
    appraisal_value: PositiveMoney | None = None
    appraised_on: PastDay | None = None
    serial_number: SerialNumber = ""
    grading_report_number: GradingReportNumber = ""
    newly_acquired_id: bounded_int(1, 999_999_999_999) | None = None


class ScheduledItemChangeIn(InputSchema):
    """An endorsement changing an item from `on`: only the fields given change. A new limit
    is charged or refunded pro rata by days for the rest of the period."""

    ref: ItemRef
    on: Day
    limit: PositiveMoney | None = None
    kind: ItemKind | None = None
    description: Description | None = None
    possessed_by: PossessedBy | None = None
    appraisal_value: PositiveMoney | None = None
    appraised_on: PastDay | None = None
    serial_number: SerialNumber | None = None
    grading_report_number: GradingReportNumber | None = None
    value_index: ValueIndex | None = None


class ScheduledItemRemoveIn(InputSchema):
    ref: ItemRef
    on: Day


# --- a loss: the checks both ways of writing one share ----------------------------------------

Peril = code(vocabulary.PERILS, "peril")
Repair = code(vocabulary.SERVICES, "service")


def item_or_newly_acquired(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
    """For `newly_acquired_on`, after `item_ref`: a loss is of one item, a scheduled one or
    one acquired during the period, never both and never neither."""
    if "item_ref" in info.data and (info.data["item_ref"] is None) == (value is None):
        raise invalid("name either a scheduled item or a newly acquired item's date")
    return value


def known_after_the_loss(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
    """For `known_on`, after `loss_on`: nobody knows of a loss before it happens."""
    loss_on = info.data.get("loss_on")
    if value is not None and loss_on is not None and value < loss_on:
        raise invalid("is before the loss")
    return value


def after_knowing(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
    """For a step taken once the loss is known (its report, a request for proof), after
    `known_on` and `loss_on`: not before the insured knew of it (the loss's day if unsaid)."""
    known_on = info.data.get("known_on") or info.data.get("loss_on")
    if value is not None and known_on is not None and value < known_on:
        raise invalid("is before the insured knew of the loss")
    return value


class LossIn(InputSchema):
    """A loss names a scheduled item (`item_ref`) or the date a new item was acquired."""

    loss_on: PastDay
    peril: Peril
    cost: Money
    item_ref: ItemRef | None = None
    newly_acquired_on: PastDay | None = Field(default=None, validate_default=True)
    repair: Repair | None = None
    service_plan_due: Money = Decimal("0.00")
    paid_by_others: Money = Decimal("0.00")
    other_insurance_limits: Money = Decimal("0.00")
    pair_set_amount: Money | None = None
    known_on: PastDay | None = None
    proof_requested_on: PastDay | None = None

    _item_or_newly_acquired = field_validator("newly_acquired_on")(item_or_newly_acquired)
    _known_after_the_loss = field_validator("known_on")(known_after_the_loss)
    _proof_after_knowing = field_validator("proof_requested_on")(after_knowing)


class PolicyCancelIn(InputSchema):
    cancel_on: Day
    by: code({INSURED, INSURER}, "canceller (insured or insurer)")
    notice_on: PastDay | None = None

    @field_validator("notice_on")
    @classmethod
    def _notice_before_cancelling(cls, value: dt.date | None, info: ValidationInfo):
        cancel_on = info.data.get("cancel_on")
        if value is not None and cancel_on is not None and value > cancel_on:
            raise invalid("is after the cancellation date")
        return value


class PolicyRenewIn(InputSchema):
    """Renewing by the value index gives `index_now`, and `index_then` where the limits were
    set without one."""

    index_then: ValueIndex | None = None
    index_now: ValueIndex | None = Field(default=None, validate_default=True)

    @field_validator("index_now")
    @classmethod
    def _now_with_then(cls, value: Decimal | None, info: ValidationInfo):
        if value is None and info.data.get("index_then") is not None:
            raise invalid("is needed with index_then")
        return value


class PolicyPaymentIn(InputSchema):
    """Money received for a policy; `reference` is the payment's own (a check or transfer
    number), never a card or bank account number."""

    paid_on: PastDay
    amount: PositiveMoney
    reference: text(max_length_of(PolicyPayment, "reference")) = ""


class NewlyAcquiredItemIn(InputSchema):
    kind: ItemKind
    acquired_on: PastDay
    description: text(max_length_of(NewlyAcquiredItem, "description")) = ""


class ValueIndexIn(InputSchema):
    effective_on: Day
    value: ValueIndex
    note: text(max_length_of(ValueIndexModel, "note")) = ""

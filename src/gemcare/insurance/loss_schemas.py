"""What the loss services take, step by step (RULEBOOK 6.1): every door reads its input into
these first, as `gemcare.insurance.schemas` does for the policy's changes.

A step's date (`on`) is a day that has happened: not after the platform's today. That it is
not before the loss's earlier steps needs the loss, so the services check it.
"""

from decimal import Decimal

from pydantic import Field, ValidationInfo, field_validator

from gemcare.common.schemas import (
    InputSchema,
    Money,
    PastDay,
    code,
    invalid,
    max_length_of,
    text,
)
from gemcare.insurance.models import Loss
from gemcare.insurance.schemas import (
    ItemRef,
    Peril,
    Repair,
    after_knowing,
    item_or_newly_acquired,
    known_after_the_loss,
)
from gemcare.rules.insurance import INSURED, INSURER

Side = code({INSURED, INSURER}, "side (insured or insurer)")
Settlement = code({Loss.REPAIR, Loss.REPLACEMENT, Loss.PAYMENT}, "settlement")
Person = text(max_length_of(Loss, "umpire"), min_length=1)
# A step's note: long enough for what the adjuster writes, short enough for a page.
MAX_NOTE = 2000
THEFT = "theft"


class LossReportIn(InputSchema):
    """The facts of a loss, before any amount: the date, place and story, the item (a
    scheduled one by `item_ref`, or the date a new one was acquired), the police report for a
    theft, and what identifies the item to a service plan."""

    loss_on: PastDay
    peril: Peril
    item_ref: ItemRef | None = None
    newly_acquired_on: PastDay | None = Field(default=None, validate_default=True)
    repair: Repair | None = None
    known_on: PastDay | None = None
    reported_on: PastDay | None = None
    place: text(max_length_of(Loss, "place")) = ""
    description: text(MAX_NOTE) = ""
    police_report: text(max_length_of(Loss, "police_report")) = Field(
        default="", validate_default=True
    )
    item_serial: text(max_length_of(Loss, "item_serial")) = ""
    item_grading_report: text(max_length_of(Loss, "item_grading_report")) = ""

    _item_or_newly_acquired = field_validator("newly_acquired_on")(item_or_newly_acquired)
    _known_after_the_loss = field_validator("known_on")(known_after_the_loss)
    _reported_after_knowing = field_validator("reported_on")(after_knowing)

    @field_validator("police_report")
    @classmethod
    def _police_report_for_theft(cls, value: str, info: ValidationInfo):
        # The policy asks for notice to the police of a loss from a violation of law.
        if info.data.get("peril") == THEFT and not value:
            raise invalid("is required for a theft (the police report's number)")
        return value


class LossStepIn(InputSchema):
    """A step that needs only its date: a request for proof of loss, closing."""

    on: PastDay


class LossAgreeIn(InputSchema):
    """The amount of the loss, established by agreement or by the appraisal's award: the cost
    to repair or replace, and what else covers the loss (RULEBOOK 6.1 steps 1-4)."""

    on: PastDay
    cost: Money
    # None: what the linked plan claim approved, or nothing without one.
    service_plan_due: Money | None = None
    paid_by_others: Money = Decimal("0.00")
    other_insurance_limits: Money = Decimal("0.00")
    pair_set_amount: Money | None = None
    note: text(MAX_NOTE) = ""


class AppraisalDemandIn(InputSchema):
    on: PastDay
    by: Side


class AppraiserNameIn(InputSchema):
    on: PastDay
    side: Side
    name: Person


class UmpireNameIn(InputSchema):
    on: PastDay
    name: Person


class LossSettleIn(InputSchema):
    """Repair or replacement through an approved jeweler (a retailer, by its code), or
    payment."""

    on: PastDay
    by: Settlement
    jeweler: text(32) = Field(default="", validate_default=True)
    note: text(MAX_NOTE) = ""

    @field_validator("jeweler")
    @classmethod
    def _jeweler_for_repair_or_replacement(cls, value: str, info: ValidationInfo):
        if info.data.get("by") in {Loss.REPAIR, Loss.REPLACEMENT} and not value:
            raise invalid("is required for a repair or a replacement (the jeweler's code)")
        if info.data.get("by") == Loss.PAYMENT and value:
            raise invalid("is only for a repair or a replacement")
        return value


class LossRecoveryIn(InputSchema):
    on: PastDay
    note: text(MAX_NOTE, min_length=1)


class LossPlanLinkIn(InputSchema):
    """A Gemcare plan contract that also covers the item, and its claim for this loss."""

    contract_number: text(16, min_length=1)
    claim_number: text(16, min_length=1) | None = None

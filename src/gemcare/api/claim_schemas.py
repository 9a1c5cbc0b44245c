"""The partner API's claim shapes: a claim as a point of sale files it, the list's filters,
the completion of the work, and every claim response.

Input reads amounts as the API does everywhere (`ApiMoney`: a string with at most two
decimals) and is turned into the claims app's own input (`gemcare.claims.schemas`), so the
services see one shape whatever the door. A claim filed through the API is the jeweler's.
"""

import datetime as dt

from ninja import Schema
from pydantic import Field, StrictBool, field_validator

from gemcare.api.schemas import PAGE_MAX, ApiMoney, Cursor, FilterDay, MoneyOut
from gemcare.claims.models import STATUSES, Claim, Reimbursement
from gemcare.claims.schemas import (
    MAX_CLAIM_LINES,
    MAX_SIZES,
    ClaimIn,
    FulfilmentIn,
    estimates_fit_an_amount,
)
from gemcare.common.schemas import (
    Day,
    InputSchema,
    PastDay,
    bounded_int,
    bounded_list,
    code,
    max_length_of,
    text,
)
from gemcare.contracts.models import Contract
from gemcare.partners.models import Store
from gemcare.rules import vocabulary

CLAIM_STATUSES = [status for status, _ in STATUSES]

CLAIM_EXAMPLE = {
    "contract": "C4HJ8T2WN",
    "incident": "2026-02-20",
    "filed": "2026-03-01",
    "cause": "wear_and_tear",
    "lines": [
        {"service": "prong_repair", "cost": "85.00"},
        {"service": "ring_sizing", "cost": "40.00", "sizes": 1},
    ],
    "repairable": True,
    "maintenance_done": True,
}
ROUTE_EXAMPLE = {"route": "repair_center", "repair_center": "bench-works"}
COMPLETION_EXAMPLE = {"actual_cost": "80.00", "invoice_number": "INV-2026-0042"}


# --- input -----------------------------------------------------------------------------------


class ApiClaimLineIn(InputSchema):
    service: code(vocabulary.SERVICES, "service") = Field(examples=["prong_repair"])
    cost: ApiMoney = Field(description="The jeweler's estimate for this service.")
    sizes: bounded_int(1, MAX_SIZES) | None = Field(
        default=None, description="For ring_sizing: how many sizes up or down."
    )


class ApiClaimIn(InputSchema):
    """A claim as a point of sale files it: the contract's number and the claim's facts."""

    model_config = {**InputSchema.model_config, "json_schema_extra": {"examples": [CLAIM_EXAMPLE]}}

    contract: text(max_length_of(Contract, "number"), min_length=1) = Field(
        description="The contract's number.", examples=["C4HJ8T2WN"]
    )
    incident: Day = Field(description="When the damage happened: not after the filing.")
    filed: PastDay | None = Field(default=None, description="Today when not given.")
    cause: code(vocabulary.CAUSES, "cause") = Field(examples=["wear_and_tear"])
    lines: bounded_list(ApiClaimLineIn, max_items=MAX_CLAIM_LINES)
    repairable: StrictBool = True
    maintenance_done: StrictBool = Field(
        default=True, description="For a watch: the manufacturer's required maintenance was done."
    )

    @field_validator("lines")
    @classmethod
    def _estimates_fit_an_amount(cls, lines: list) -> list:
        return estimates_fit_an_amount(lines)

    def claim_in(self) -> ClaimIn:
        """The claims app's input: the same facts, filed by the jeweler."""
        return ClaimIn(
            incident=self.incident,
            filed=self.filed,
            cause=self.cause,
            lines=[line.model_dump() for line in self.lines],
            repairable=self.repairable,
            maintenance_done=self.maintenance_done,
            channel=Claim.JEWELER,
        )


class CompletionIn(InputSchema):
    """The work is done: what it cost and the jeweler's invoice for it."""

    model_config = {
        **InputSchema.model_config,
        "json_schema_extra": {"examples": [COMPLETION_EXAMPLE]},
    }

    actual_cost: ApiMoney = Field(description="What the work cost: reimbursed up to the approved.")
    invoice_number: text(max_length_of(Reimbursement, "invoice_number"), min_length=1) = Field(
        description="The jeweler's invoice number for the work.", examples=["INV-2026-0042"]
    )
    completed: PastDay | None = Field(default=None, description="Today when not given.")

    def fulfilment_in(self) -> FulfilmentIn:
        """The claims app's input; the route is the one recorded on the claim."""
        return FulfilmentIn(
            actual_cost=self.actual_cost,
            completed=self.completed,
            invoice_number=self.invoice_number,
        )


class ClaimsQuery(InputSchema):
    contract: text(max_length_of(Contract, "number")) = ""
    status: code(CLAIM_STATUSES, "claim status") | None = None
    store: text(max_length_of(Store, "code")) = ""
    filed_from: FilterDay | None = None
    filed_to: FilterDay | None = None
    limit: bounded_int(1, PAGE_MAX) = 50
    cursor: Cursor = ""


# --- output ----------------------------------------------------------------------------------


class ClaimLineOut(Schema):
    service: str = Field(examples=["prong_repair"])
    estimated_cost: MoneyOut = Field(examples=["85.00"])
    sizes: int | None
    result: str = Field(examples=["approved"], description="approved, reduced or denied.")
    approved: MoneyOut = Field(examples=["85.00"])
    reason_code: str = Field(examples=["line_approved"])
    reason_words: str = Field(examples=["prong repair is covered: $85.00 approved."])


class ReimbursementOut(Schema):
    actual_cost: MoneyOut = Field(examples=["80.00"])
    reimbursed: MoneyOut = Field(examples=["80.00"], description="At most the approved amount.")
    completed_on: dt.date
    invoice_number: str = Field(examples=["INV-2026-0042"])


class ClaimRowOut(Schema):
    """A claim in a list: its decision and where it stands."""

    number: str = Field(examples=["K7D2M9QXA"])
    contract: str = Field(examples=["C4HJ8T2WN"])
    store: str = Field(examples=["main-street"])
    is_test: bool
    status: str = Field(
        examples=["approved"],
        description="awaiting_review, approved, denied, returned_to_jeweler or fulfilled.",
    )
    filed_on: dt.date
    incident_on: dt.date
    cause: str = Field(examples=["wear_and_tear"])
    channel: str = Field(
        examples=["jeweler"],
        description="How the claim was filed: jeweler (at the counter or through this API) or "
        "customer (by the holder on the Gemcare site).",
    )
    decision: str = Field(
        examples=["approved"],
        description="approved, partially_approved, denied or return_to_jeweler.",
    )
    reason_code: str | None = Field(
        description="Why a claim was denied or redirected, else its first denied line's code."
    )
    approved: MoneyOut = Field(examples=["85.00"])
    holder_share: MoneyOut = Field(examples=["0.00"])
    remaining_limit: MoneyOut | None = Field(
        description="What the plan may still pay after this claim; null without such a limit."
    )
    fulfilment: str | None = Field(examples=["repair"], description="repair or replacement.")
    needs_review: bool
    review_open: bool = Field(
        examples=[False],
        description="A person's review of the rules' denial was asked for and no adjuster "
        "has decided it yet.",
    )
    review_requested_on: dt.date | None = Field(
        examples=[None],
        description="When the holder or the jeweler asked for a person's review of the "
        "denial (once per claim); null when nobody asked.",
    )
    route: str | None = Field(examples=["in_store"], description="in_store or repair_center.")
    repair_center: str | None = Field(description="The repair center's code, when shipped.")


class ClaimsPageOut(Schema):
    claims: list[ClaimRowOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class ClaimOut(ClaimRowOut):
    """A claim in full: its decision with the words to read to the customer, each line's
    result, and the reimbursement once the work is completed."""

    reason_words: str | None = Field(description="The words of reason_code, for the customer.")
    repairable: bool
    maintenance_done: bool
    lines: list[ClaimLineOut]
    reimbursement: ReimbursementOut | None = Field(description="Null until the work is completed.")


class CompletionOut(Schema):
    claim: str = Field(examples=["K7D2M9QXA"])
    status: str = Field(examples=["fulfilled"], description="The claim's new status.")
    contract_status: str = Field(
        examples=["active"], description="replaced once a replacement is completed."
    )
    reimbursement: ReimbursementOut

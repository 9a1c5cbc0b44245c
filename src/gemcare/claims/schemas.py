"""The typed input of the claim services: a claim as filed, a review, a request for a
person's review, a route, a fulfilment."""

from pydantic import StrictBool, ValidationInfo, field_validator

from gemcare.claims.models import REPAIR_CENTER, ROUTES, Claim, Reimbursement
from gemcare.common.schemas import (
    Day,
    InputSchema,
    Money,
    PastDay,
    bounded_int,
    bounded_list,
    code,
    invalid,
    max_length_of,
    text,
)
from gemcare.partners.models import RepairCenter
from gemcare.rules import vocabulary
from gemcare.rules.money import MAX_AMOUNT, ZERO

# A claim lists the services of one repair visit; more lines than this is not a claim.
MAX_CLAIM_LINES = 50
# Ring sizing beyond this many sizes is a remake, not a sizing.
MAX_SIZES = 10
CHANNELS = [value for value, _ in Claim._meta.get_field("channel").choices]


class ClaimLineIn(InputSchema):
    service: code(vocabulary.SERVICES, "service")
    cost: Money
    sizes: bounded_int(1, MAX_SIZES) | None = None


def estimates_fit_an_amount(lines: list) -> list:
    """The approved amount and the holder's share are stored as amounts: what a claim's
    estimates add up to must be one too (every door that files a claim checks it)."""
    if sum((line.cost for line in lines), ZERO) > MAX_AMOUNT:
        raise invalid(f"the estimates add up to more than {MAX_AMOUNT}", code="estimates_too_large")
    return lines


class ClaimIn(InputSchema):
    # Not after the filing (the service checks, with its own code), so not in the future.
    incident: Day
    filed: PastDay | None = None  # today, by the platform's clock, when not given
    cause: code(vocabulary.CAUSES, "cause")
    lines: bounded_list(ClaimLineIn, max_items=MAX_CLAIM_LINES)
    repairable: StrictBool = True
    maintenance_done: StrictBool = True
    channel: code(CHANNELS, "claim channel") = Claim.JEWELER

    @field_validator("lines")
    @classmethod
    def _estimates_fit_an_amount(cls, lines: list) -> list:
        return estimates_fit_an_amount(lines)


# The longest written reason an adjuster or a holder gives.
REASON_MAX = 1000


class ReviewIn(InputSchema):
    """An adjuster's review: confirm (nothing given), change the amount, or deny. The note is
    the written reason, required to deny or to change the amount (the service checks, as it
    alone knows the amount in force); it is kept with the decision and in the audit log."""

    approved: Money | None = None
    deny: StrictBool = False
    note: text(REASON_MAX) = ""


class ReviewRequestIn(InputSchema):
    """A holder's (or the jeweler's) request that a person review the rules' denial."""

    reason: text(REASON_MAX, min_length=1)


ROUTE_CODES = [value for value, _ in ROUTES]
RepairCenterCode = text(max_length_of(RepairCenter, "code"), min_length=1)


class RouteIn(InputSchema):
    """Where the jeweler has the work done: in its own store, or shipped to a repair center
    (named by its code)."""

    route: code(ROUTE_CODES, "route")
    repair_center: RepairCenterCode | None = None

    @field_validator("repair_center")
    @classmethod
    def _only_when_shipped(cls, center: str | None, info: ValidationInfo) -> str | None:
        if center is not None and info.data.get("route") not in (None, REPAIR_CENTER):
            raise invalid(
                "is named only when the route is repair_center", code="repair_center_not_shipped"
            )
        return center


class FulfilmentIn(InputSchema):
    """The work done. Without `route`, the route recorded on the claim (`claim_route`), or
    in store when none was recorded."""

    actual_cost: Money
    completed: PastDay | None = None  # today, by the platform's clock, when not given
    route: code(ROUTE_CODES, "route") | None = None
    repair_center: RepairCenterCode | None = None
    invoice_number: text(max_length_of(Reimbursement, "invoice_number")) = ""

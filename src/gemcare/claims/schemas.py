"""The typed input of the claim services: a claim as filed, a review, a fulfilment."""

from pydantic import StrictBool

from gemcare.claims.models import IN_STORE, ROUTES, Claim
from gemcare.common.schemas import (
    Day,
    InputSchema,
    Money,
    PastDay,
    bounded_int,
    bounded_list,
    code,
    max_length_of,
    text,
)
from gemcare.partners.models import RepairCenter
from gemcare.rules import vocabulary

# A claim lists the services of one repair visit; more lines than this is not a claim.
MAX_CLAIM_LINES = 50
# Ring sizing beyond this many sizes is a remake, not a sizing.
MAX_SIZES = 10
CHANNELS = [value for value, _ in Claim._meta.get_field("channel").choices]


class ClaimLineIn(InputSchema):
    service: code(vocabulary.SERVICES, "service")
    cost: Money
    sizes: bounded_int(1, MAX_SIZES) | None = None


class ClaimIn(InputSchema):
    # Not after the filing (the service checks, with its own code), so not in the future.
    incident: Day
    filed: PastDay | None = None  # today, by the platform's clock, when not given
    cause: code(vocabulary.CAUSES, "cause")
    lines: bounded_list(ClaimLineIn, max_items=MAX_CLAIM_LINES)
    repairable: StrictBool = True
    maintenance_done: StrictBool = True
    channel: code(CHANNELS, "claim channel") = Claim.JEWELER


class ReviewIn(InputSchema):
    """An adjuster's review: confirm (nothing given), lower the amount, or deny."""

    approved: Money | None = None
    deny: StrictBool = False
    note: text(300) = ""


class FulfilmentIn(InputSchema):
    actual_cost: Money
    completed: PastDay | None = None  # today, by the platform's clock, when not given
    route: code([value for value, _ in ROUTES], "route") = IN_STORE
    repair_center: text(max_length_of(RepairCenter, "code"), min_length=1) | None = None

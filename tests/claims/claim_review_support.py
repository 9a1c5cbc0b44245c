"""Denied claims and the requests for a person's review, for the claims tests."""

from factories import SYSTEM, adjuster_make, file_claim, review, row_counts, sell, snapshot

from gemcare.claims.models import ClaimPhoto
from gemcare.claims.schemas import ReviewRequestIn
from gemcare.claims.services import claim_review_request
from gemcare.common.callers import Caller
from gemcare.common.schemas import validate_input

REASON = "The prong broke by itself; the jeweler saw no damage."


def denied_claim(*, product="ljpp-lifetime", price="1200.00", cost="300.00", **sale):
    """A claim the rules deny as a whole (theft is never covered), its lines kept."""
    contract = sell(product, price=price, **sale)
    claim = file_claim(
        contract, ("prong_repair", cost), ("stone_tightening", "100.00"), cause="theft"
    )
    assert (claim.status, claim.reason_code) == ("denied", "cause_not_covered")
    return contract, claim


def ask(claim, *, caller=SYSTEM, reason: str = REASON):
    return claim_review_request(
        caller=caller, claim=claim, request=validate_input(ReviewRequestIn, {"reason": reason})
    )


def adjuster() -> Caller:
    return Caller.provider(adjuster_make())


def decide(claim, *, caller=None, **values):
    return review(claim, caller=caller or adjuster(), **values)


def state_of(contract, claim) -> tuple:
    return snapshot(contract), snapshot(claim), row_counts(), ClaimPhoto.objects.count()

"""Reading claims."""

import datetime as dt

from gemcare.claims.models import APPROVED, AWAITING_REVIEW, Claim
from gemcare.common.errors import NotFound
from gemcare.partners.models import Retailer

UNPAID_FLAG_DAYS = 60
# In these states the holder may claim directly against the backing insurer or surety once a
# claim is unpaid for 60 days (RULEBOOK §4; seeds/003 state variations).
DIRECT_CLAIM_STATES = frozenset({"CT", "GA", "WI"})


def claim_get(*, number: str, retailer: Retailer | None = None) -> Claim:
    query = Claim.objects.select_related("contract")
    if retailer is not None:
        query = query.filter(contract__retailer=retailer)
    try:
        return query.get(number=number)
    except Claim.DoesNotExist:
        raise NotFound("claim", number) from None


def claims_awaiting_review():
    return (
        Claim.objects.filter(status=AWAITING_REVIEW).select_related("contract").order_by("filed_on")
    )


def claims_unpaid_after_60_days(*, on: dt.date):
    """Claims still unpaid 60 days after filing: flagged for escalation."""
    return Claim.objects.filter(
        status__in=[AWAITING_REVIEW, APPROVED],
        filed_on__lt=on - dt.timedelta(days=UNPAID_FLAG_DAYS),
    ).select_related("contract")

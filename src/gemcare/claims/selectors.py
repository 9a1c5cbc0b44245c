"""Reading claims."""

import datetime as dt

from gemcare.claims.models import APPROVED, AWAITING_REVIEW, Claim
from gemcare.common.errors import NotFound
from gemcare.partners.models import Retailer
from gemcare.rules.adjudication import UNPAID_FLAG_DAYS, UnpaidEscalation, unpaid_escalation


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
    """Claims still unpaid 60 days after filing: flagged for escalation (see
    `claim_escalation` for whether the holder may claim directly)."""
    return Claim.objects.filter(
        status__in=[AWAITING_REVIEW, APPROVED],
        filed_on__lt=on - dt.timedelta(days=UNPAID_FLAG_DAYS),
    ).select_related("contract")


def claim_escalation(claim: Claim, *, on: dt.date) -> UnpaidEscalation:
    """Whether a claim is flagged as unpaid, and whether its holder may claim directly."""
    paid = claim.status not in {AWAITING_REVIEW, APPROVED}
    if paid:
        return UnpaidEscalation(False, False)
    return unpaid_escalation(filed_on=claim.filed_on, on=on, state=claim.contract.state_at_sale)

"""Who does what in the back office (docs/back-office.md).

Every page opens to the provider's staff who passed the second factor. Deciding a claim and
recording a refund payment are for administrators and adjusters; the privacy officer reads
the queue, the claims and the refunds but changes none of them (the actions answer 404 to
them, like a page that is not theirs, and their pages show no action). Sensitive holder
fields show whole to administrators and the privacy officer, masked to everyone else, by the
admin's own rule (`contracts.admin.may_see_sensitive`).
"""

from gemcare.contracts.admin import may_see_sensitive
from gemcare.partners.models import ProviderStaff

DECIDERS = (ProviderStaff.ADMIN, ProviderStaff.ADJUSTER)
PAYERS = (ProviderStaff.ADMIN, ProviderStaff.ADJUSTER)


def may_decide(caller) -> bool:
    return caller.role in DECIDERS


def may_pay(caller) -> bool:
    return caller.role in PAYERS


__all__ = ["DECIDERS", "PAYERS", "may_decide", "may_pay", "may_see_sensitive"]

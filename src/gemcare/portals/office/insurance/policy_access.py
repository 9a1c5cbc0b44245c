"""Who does what with policies in the back office (docs/back-office.md).

Administrators and adjusters quote, bind and change policies, record payments and cancel;
the privacy officer reads every policy page but changes nothing (the actions answer 404 to
them, like a page that is not theirs, and their pages show no action).
"""

from gemcare.partners.models import ProviderStaff

POLICY_ACTORS = (ProviderStaff.ADMIN, ProviderStaff.ADJUSTER)


def may_act(caller) -> bool:
    return caller.role in POLICY_ACTORS

"""What the customer site's policy pages read that the insurance selectors do not give: the
named insured a "my policy" request names."""

from gemcare.common.callers import Caller
from gemcare.insurance.models import NamedInsured
from gemcare.insurance.selectors import policies_visible
from gemcare.portals.customer.insurance.policy_schemas import PolicyNumberFindIn

# The platform's own look-up for a sign-in request: no one is signed in yet.
POLICY_SIGN_IN_LOOKUP = Caller.system("customer_policy_sign_in")


def policy_sign_in_match(*, found: PolicyNumberFindIn) -> NamedInsured | None:
    """The named insured whose email the request gives, on the policy it names, or None.
    Emails are compared without regard to case; a named insured with no email never
    matches. Of two insureds sharing one address, the first named."""
    wanted = found.email.casefold()
    policy = (
        policies_visible(caller=POLICY_SIGN_IN_LOOKUP)
        .filter(number=found.policy_number.strip().upper())
        .first()
    )
    if policy is None:
        return None
    for named_insured in policy.named_insureds.order_by("id"):
        if named_insured.email and named_insured.email.casefold() == wanted:
            return named_insured
    return None

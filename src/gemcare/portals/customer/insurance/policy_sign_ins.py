"""Sign-in codes for insurance policyholders ("my policy"), on the plan sign-in's mechanism.

A request names a policy and the email of one of its named insureds. As for plans
(`customer.sign_ins`), a `SignInCode` row is written for every request, matched or not,
and the code is sent only when a named insured matched; the row keeps that named insured
(never a holder), so its code opens a policyholder's session and nothing else, and a plan's
code never opens a policy. Codes are as long-lived, as few per hour and as guarded against
guessing as the plan's; nothing returned or written differently tells the asking browser
whether the policy exists.
"""

from dataclasses import dataclass

from django.db import transaction

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller, caller_required
from gemcare.insurance.models import NamedInsured
from gemcare.portals.customer.errors import CustomerError
from gemcare.portals.customer.insurance.policy_schemas import PolicyNumberFindIn
from gemcare.portals.customer.insurance.policy_selectors import policy_sign_in_match
from gemcare.portals.customer.schemas import SignInCodeIn
from gemcare.portals.customer.sign_ins import (
    CODES_PER_PLAN_PER_HOUR,
    code_request_record,
    code_try,
    codes_sent_lately,
)

# A policy gets as many codes an hour as a plan.
CODES_PER_POLICY_PER_HOUR = CODES_PER_PLAN_PER_HOUR


@transaction.atomic
def policy_sign_in_code_request(*, caller: Caller, found: PolicyNumberFindIn) -> str:
    """Record a request for a code and, if it names a policy with a named insured of that
    email, send one there. Returns the request's token, which only the asking browser
    keeps; the same work is done whether a policy was found or not."""
    caller_required(caller)
    named_insured = policy_sign_in_match(found=found)
    if named_insured is not None:
        policy_id = named_insured.policy_id
        if codes_sent_lately(named_insured__policy_id=policy_id) >= CODES_PER_POLICY_PER_HOUR:
            named_insured = None
    token = code_request_record(
        sent_to=named_insured.email if named_insured else None,
        name=named_insured.name if named_insured else "",
        named_insured=named_insured,
    )
    if named_insured is not None:
        audit_record(
            caller=caller,
            action="policy_sign_in_code_sent",
            entity=named_insured,
            data={"policy": named_insured.policy.number},
        )
    return token


@dataclass(frozen=True, slots=True)
class PolicyCodeCheck:
    named_insured: NamedInsured | None
    problem: CustomerError | None = None
    tries_left: int = 0


def policy_sign_in_code_check(
    *, caller: Caller, token: str, entered: SignInCodeIn
) -> PolicyCodeCheck:
    """Check a code against the browser's policy request: the named insured it opens, or
    the problem (`code_try`). A plan's request never opens a policy."""
    caller_required(caller)
    with transaction.atomic():
        tried = code_try(
            token=token,
            entered=entered,
            related=("named_insured__policy",),
            opens=lambda row: row.named_insured is not None and row.holder_id is None,
        )
        row = tried.opened
        if row is None:
            return PolicyCodeCheck(None, tried.problem, tried.tries_left)
        audit_record(
            caller=Caller.policyholder(row.named_insured),
            action="policyholder_signed_in",
            entity=row.named_insured,
            data={"by": "one_time_code", "policy": row.named_insured.policy.number},
        )
        return PolicyCodeCheck(row.named_insured)

"""What the claim services share: locking a claim for its caller, its transition table, the
contract's status check."""

from gemcare.claims.models import TRANSITIONS, Claim
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import CommonError, NotFound, Refused
from gemcare.common.locking import claim_lock
from gemcare.contracts.errors import ContractError
from gemcare.contracts.models import Contract
from gemcare.contracts.selectors import contract_is_visible
from gemcare.contracts.services import NO_LONGER_ACTIVE


def claim_status_change(claim: Claim, to_status: str) -> None:
    if to_status not in TRANSITIONS[claim.status]:
        raise Refused(
            CommonError.ILLEGAL_TRANSITION,
            f"A claim {claim.get_status_display().lower()} cannot move on.",
        )
    claim.status = to_status


def contract_active_check(contract: Contract) -> None:
    if contract.status in NO_LONGER_ACTIVE:
        raise Refused(ContractError.NOT_ACTIVE, f"The contract is {contract.status}.")


def claim_locked_for(caller: Caller, claim: Claim) -> tuple[Contract, Claim]:
    """Lock the claim's contract, then the claim, for a change by `caller`: "not found" when
    the claim is not the caller's, exactly like one that does not exist."""
    caller_required(caller)
    contract, locked = claim_lock(claim.pk)
    if not contract_is_visible(contract, caller=caller):
        raise NotFound("claim", claim.number)
    return contract, locked

"""The jeweler's work on an approved claim: where it is done, then its completion.

`claim_route` records where the work is done (in store, or at a repair center), and
`claim_fulfil` completes the claim with the actual cost and the jeweler's invoice, and
reimburses it. A fulfilment may not be dated before the latest event on the contract
(RULEBOOK 3).
"""

from django.db import transaction

from gemcare.claims.errors import ClaimError
from gemcare.claims.models import (
    APPROVED,
    AWAITING_REVIEW,
    FULFILLED,
    IN_STORE,
    REPAIR_CENTER,
    Claim,
    Reimbursement,
)
from gemcare.claims.schemas import FulfilmentIn, RouteIn
from gemcare.claims.services._common import (
    claim_locked_for,
    claim_status_change,
    contract_active_check,
)
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.contracts.errors import ContractError
from gemcare.contracts.models import REPLACED
from gemcare.contracts.services import contract_status_change, event_order_check
from gemcare.partners.models import RepairCenter
from gemcare.rules import adjudication
from gemcare.webhooks.services import webhook_claim_emit


def _repair_center_of(route: str | None, code: str | None) -> RepairCenter | None:
    """The repair center a route names: required when the item is shipped, and one the
    provider has approved; none for work in store."""
    if route != REPAIR_CENTER:
        return None
    if code is None:
        raise InvalidInput(
            "repair_center",
            None,
            "is required when the item is shipped",
            code=ClaimError.REPAIR_CENTER_REQUIRED,
        )
    repair_center = RepairCenter.objects.filter(code=code).first()
    if repair_center is None:
        raise NotFound("repair_center", code)
    if not repair_center.is_approved:
        raise Refused(
            ClaimError.REPAIR_CENTER_NOT_APPROVED, ClaimError.REPAIR_CENTER_NOT_APPROVED.words
        )
    return repair_center


def _work_may_start_check(claim: Claim) -> None:
    """Routing and completing need an approved claim whose work is not yet completed."""
    if claim.status == AWAITING_REVIEW:
        raise Refused(ClaimError.NEEDS_REVIEW, "An adjuster must confirm this claim first.")
    if claim.status != APPROVED:
        raise Refused(ClaimError.NOT_APPROVED, f"This claim is {claim.get_status_display()}.")


@transaction.atomic
def claim_route(*, caller: Caller, claim: Claim, route: RouteIn) -> Claim:
    """Record where the work on an approved claim is done: in store, or shipped to a repair
    center. The route may change until the work is completed (`claim_completed` after); the
    same route again changes nothing. The route is not a dated event, so the contract's
    date order does not move."""
    repair_center = _repair_center_of(route.route, route.repair_center)
    contract, claim = claim_locked_for(caller, claim)
    if claim.status == FULFILLED:
        raise Refused(
            ClaimError.COMPLETED,
            f"The work on claim {claim.number} is completed: its route can no longer change.",
        )
    _work_may_start_check(claim)
    contract_active_check(contract)
    center_id = repair_center.pk if repair_center is not None else None
    if (claim.route, claim.repair_center_id) == (route.route, center_id):
        return claim
    before = claim.route
    claim.route = route.route
    claim.repair_center = repair_center
    claim.save(update_fields=["route", "repair_center"])
    audit_record(
        caller=caller,
        action="claim_routed",
        entity=claim,
        tenant_id=contract.retailer_id,
        data={
            "route": claim.route,
            "repair_center": repair_center.code if repair_center is not None else "",
            "previous_route": before,
        },
    )
    return claim


@transaction.atomic
def claim_fulfil(*, caller: Caller, claim: Claim, fulfilment: FulfilmentIn) -> Reimbursement:
    """The work is done: reimburse the jeweler its actual cost, at most the approved amount.
    Completed today (by the platform's clock) unless `fulfilment.completed` says otherwise.
    Without a route in `fulfilment`, the route recorded by `claim_route` stands (in store
    when none was recorded); with one, it replaces it."""
    completed = fulfilment.completed or today()
    repair_center = _repair_center_of(fulfilment.route, fulfilment.repair_center)
    contract, claim = claim_locked_for(caller, claim)
    _work_may_start_check(claim)
    contract_active_check(contract)
    if fulfilment.route is None:
        route = claim.route or IN_STORE
        repair_center = claim.repair_center if route == REPAIR_CENTER else None
    else:
        route = fulfilment.route
    if completed < claim.filed_on:
        raise Refused(
            ContractError.OUT_OF_ORDER,
            f"The fulfilment is dated {completed.isoformat()}, before "
            f"{claim.filed_on.isoformat()}, when the claim was filed.",
        )
    event_order_check(contract, completed, what="fulfilment")
    claim_status_change(claim, FULFILLED)
    claim.route = route
    claim.repair_center = repair_center
    claim.save(update_fields=["status", "route", "repair_center"])
    cost = fulfilment.actual_cost
    reimbursement = Reimbursement.objects.create(
        claim=claim,
        actual_cost=cost,
        amount=min(cost, claim.approved),
        completed_on=completed,
        invoice_number=fulfilment.invoice_number,
    )
    if claim.fulfilment == adjudication.REPLACEMENT:
        contract_status_change(contract, REPLACED, on=completed, kind="replaced")
    contract.last_event_on = completed
    contract.save(update_fields=["status", "last_event_on"])
    said = {"reimbursed": str(reimbursement.amount)}
    if fulfilment.invoice_number:
        said["invoice_number"] = fulfilment.invoice_number
    audit_record(
        caller=caller,
        action="claim_fulfilled",
        entity=claim,
        tenant_id=contract.retailer_id,
        data=said,
    )
    webhook_claim_emit("claim.completed", claim, contract, reimbursement=reimbursement)
    return reimbursement

"""Writing claims: file and decide, review, route the work, fulfil and reimburse.

`claim_file` is the hot path (point-of-sale systems and bulk files call it): it locks the
contract row, decides through the rules, and writes the claim, its lines, the decision and
the audit entry with as few statements as the data allows.

The jeweler's work comes in two steps: `claim_route` records where the work is done (in
store, or at a repair center), and `claim_fulfil` completes the claim with the actual cost
and the jeweler's invoice, and reimburses it.

Every service takes the `Caller` and the typed input (`gemcare.claims.schemas`), locks the
contract before the claim (`gemcare.common.locking`), and keeps the contract's date order
(RULEBOOK 3): a claim's filing and a fulfilment may not be dated before the latest event on
the contract.
"""

import datetime as dt

from django.db import transaction

from gemcare.claims.errors import ClaimError
from gemcare.claims.models import (
    APPROVED,
    AWAITING_REVIEW,
    DENIED,
    FULFILLED,
    IN_STORE,
    OPEN_STATUSES,
    REPAIR_CENTER,
    RETURNED_TO_JEWELER,
    TRANSITIONS,
    Claim,
    ClaimDecision,
    ClaimLine,
    Reimbursement,
)
from gemcare.claims.schemas import ClaimIn, FulfilmentIn, ReviewIn, RouteIn
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller, caller_required
from gemcare.common.clock import today
from gemcare.common.errors import CommonError, InvalidInput, NotFound, Refused
from gemcare.common.fields import ZERO
from gemcare.common.locking import claim_lock
from gemcare.common.rows import RowWriter
from gemcare.contracts.errors import ContractError
from gemcare.contracts.models import ACTIVE, EXHAUSTED, PENDING_PICKUP, REPLACED, Contract
from gemcare.contracts.selectors import contract_facts, contract_is_visible
from gemcare.contracts.services import (
    NO_LONGER_ACTIVE,
    SCOPE_FIELDS,
    contract_locked_for,
    contract_status_change,
    event_order_check,
    new_number,
)
from gemcare.partners.models import RepairCenter
from gemcare.rules import adjudication
from gemcare.rules.adjudication import claim_value
from gemcare.webhooks.services import webhook_claim_emit

# The claim path writes through compiled statements (gemcare.common.rows): it is the hot path.
CLAIMS, CLAIM_LINES, CLAIM_DECISIONS = (
    RowWriter(Claim),
    RowWriter(ClaimLine),
    RowWriter(ClaimDecision),
)
CONTRACT_FACT_FIELDS = (
    *SCOPE_FIELDS,
    "product_version_id",
    "status",
    "item_kind",
    "item_price",
    "purchased_on",
    "item_water_resistant",
    "approved_total",
)
CONTRACTS = RowWriter(Contract).reading(*CONTRACT_FACT_FIELDS)

STATUS_OF_DECISION = {
    adjudication.DENIED: DENIED,
    adjudication.RETURN_TO_JEWELER: RETURNED_TO_JEWELER,
}


def claim_facts_of(claim: ClaimIn, *, filed_on: dt.date) -> adjudication.ClaimFacts:
    """The rules' view of a claim as filed."""
    if claim.incident > filed_on:
        raise InvalidInput(
            "incident",
            claim.incident,
            f"is after the filing date, {filed_on.isoformat()}",
            code=ClaimError.INCIDENT_AFTER_FILING,
        )
    return adjudication.ClaimFacts(
        incident_on=claim.incident,
        filed_on=filed_on,
        cause=claim.cause,
        lines=tuple(
            adjudication.ClaimLine(line.service, line.cost, line.sizes) for line in claim.lines
        ),
        repairable=claim.repairable,
        maintenance_done=claim.maintenance_done,
    )


@transaction.atomic
def claim_file(
    *, caller: Caller, contract: Contract, claim: ClaimIn, one_open_claim: bool = False
) -> Claim:
    """File a claim and decide it at once through the rules engine. Filed today (by the
    platform's clock) unless `claim.filed` says otherwise.

    A contract waiting for its item's pickup (a layaway) is refused, `not_picked_up`: the
    plan covers the item from the pickup on, and the rules' checks do not know the status.

    With `one_open_claim` (how the partner API files), a contract that already has an open
    claim, awaiting review or approved with the work not yet done, refuses another,
    `claim_open`: a point of sale filing the same repair twice gets an answer, not a second
    claim. Denied, returned-to-jeweler and fulfilled claims are decided and closed, so they
    never block one. The check runs under the contract's lock, so two filings at once cannot
    both pass it. Without it (the rulebook's own play, RULEBOOK 8), claims on one contract
    may be open together: the aggregate limit is shared between them (RULEBOOK 4).
    """
    facts = claim_facts_of(claim, filed_on=claim.filed or today())
    contract = contract_locked_for(caller, contract, fields=CONTRACT_FACT_FIELDS, writer=CONTRACTS)
    if contract.status == PENDING_PICKUP:
        raise Refused(ClaimError.NOT_PICKED_UP, ClaimError.NOT_PICKED_UP.words)
    if one_open_claim:
        _no_open_claim_check(contract)
    event_order_check(contract, facts.filed_on, what="claim's filing")
    decision = adjudication.decide_claim(contract_facts(contract), facts)
    status = STATUS_OF_DECISION.get(decision.decision) or (
        AWAITING_REVIEW if decision.needs_review else APPROVED
    )
    _use_limit(contract, claim_value(status, decision.approved), decision, on=facts.filed_on)
    filed = CLAIMS.insert(
        number=new_number("K"),
        contract_id=contract.pk,
        retailer_id=contract.retailer_id,
        filed_on=facts.filed_on,
        incident_on=facts.incident_on,
        cause=facts.cause,
        repairable=facts.repairable,
        maintenance_done=facts.maintenance_done,
        channel=claim.channel,
        filed_by_id=caller.user_id,
        status=status,
        decision=decision.decision,
        reason_code=decision.reason_code or "",
        approved=decision.approved,
        holder_share=decision.holder_share,
        remaining_limit=decision.remaining_limit,
        fulfilment=decision.fulfilment or "",
        needs_review=decision.needs_review,
    )
    CLAIM_LINES.insert_many(
        [
            {
                "claim_id": filed.pk,
                "position": position,
                "service": line.service,
                "estimated_cost": line.estimated_cost,
                "sizes": line.sizes,
                "result": result.result,
                "approved": result.approved,
                "reason_code": result.reason.code,
                "reason_words": result.reason.words[:300],
            }
            for position, (line, result) in enumerate(claim_line_results(facts, decision))
        ]
    )
    CLAIM_DECISIONS.insert(
        claim_id=filed.pk,
        source=ClaimDecision.ENGINE,
        decision=decision.decision,
        reason_code=decision.reason_code or "",
        approved=decision.approved,
        holder_share=decision.holder_share,
        remaining_limit=decision.remaining_limit,
        fulfilment=decision.fulfilment or "",
        needs_review=decision.needs_review,
        status=status,
        explanation=decision.explanation,
    )
    audit_record(
        caller=caller,
        action="claim_filed",
        entity=filed,
        tenant_id=contract.retailer_id,
        data={"decision": decision.decision, "approved": str(decision.approved)},
    )
    webhook_claim_emit("claim.decided", filed, contract)
    return filed


def _no_open_claim_check(contract: Contract) -> None:
    """`claim_open` when the (locked) contract has a claim still open."""
    found = (
        Claim.objects.filter(contract_id=contract.pk, status__in=OPEN_STATUSES)
        .order_by("pk")
        .values_list("number", "status")
        .first()
    )
    if found is not None:
        number, status = found
        waiting = "awaits an adjuster's review" if status == AWAITING_REVIEW else "is approved"
        raise Refused(
            ClaimError.CLAIM_OPEN,
            f"Claim {number} on this contract {waiting} and its work is not completed: "
            "complete it before filing another.",
        )


def claim_line_results(facts: adjudication.ClaimFacts, decision: adjudication.ClaimDecision):
    """Each filed line with its result; a claim refused as a whole refuses every line for
    the claim's own reason (its lines are kept all the same)."""
    if decision.lines:
        return zip(facts.lines, decision.lines, strict=True)
    refused = [
        adjudication.LineResult(
            line.service, line.estimated_cost, adjudication.LINE_DENIED, ZERO, decision.reason
        )
        for line in facts.lines
    ]
    return zip(facts.lines, refused, strict=True)


def _use_limit(
    contract: Contract, value, decision: adjudication.ClaimDecision, *, on: dt.date
) -> None:
    """The aggregate limit is used at approval; a limit used up exhausts the contract. The
    contract's date order moves to the filing. One UPDATE, and none when nothing changed."""
    changed = {}
    if value:
        contract.approved_total += value
        if decision.remaining_limit is not None and decision.remaining_limit <= ZERO:
            contract_status_change(contract, EXHAUSTED, on=on, kind="limit_exhausted")
        changed.update(approved_total=contract.approved_total, status=contract.status)
    if on > contract.last_event_on:
        contract.last_event_on = changed["last_event_on"] = on
    if changed:
        CONTRACTS.update(contract.pk, **changed)


def _claim_status_change(claim: Claim, to_status: str) -> None:
    if to_status not in TRANSITIONS[claim.status]:
        raise Refused(
            CommonError.ILLEGAL_TRANSITION,
            f"A claim {claim.get_status_display().lower()} cannot move on.",
        )
    claim.status = to_status


def _contract_still_active(contract: Contract) -> None:
    if contract.status in NO_LONGER_ACTIVE:
        raise Refused(ContractError.NOT_ACTIVE, f"The contract is {contract.status}.")


def _claim_locked_for(caller: Caller, claim: Claim) -> tuple[Contract, Claim]:
    caller_required(caller)
    contract, locked = claim_lock(claim.pk)
    if not contract_is_visible(contract, caller=caller):
        raise NotFound("claim", claim.number)
    return contract, locked


@transaction.atomic
def claim_review(*, caller: Caller, claim: Claim, review: ReviewIn) -> Claim:
    """An adjuster confirms the engine's decision, lowers the amount, or denies the claim."""
    if not isinstance(caller, Caller) or not caller.is_provider:
        raise Refused(ClaimError.REVIEW_NOT_ALLOWED, "Only the provider's adjusters review claims.")
    contract, claim = _claim_locked_for(caller, claim)
    if claim.status != AWAITING_REVIEW:
        raise Refused(ClaimError.NOT_AWAITING_REVIEW, "This claim is not waiting for a review.")
    _contract_still_active(contract)
    amount = ZERO if review.deny else claim.approved
    if review.approved is not None and not review.deny:
        amount = review.approved
        if amount > claim.approved:
            raise InvalidInput(
                "approved",
                amount,
                f"is above {claim.approved}, the amount the rules allow",
                code=ClaimError.ABOVE_DECISION,
            )
    new_status = DENIED if review.deny or amount == ZERO else APPROVED
    used_change = claim_value(new_status, amount) - claim_value(claim.status, claim.approved)
    released = claim.approved - amount
    if used_change:
        contract.approved_total += used_change
        if contract.status == EXHAUSTED and used_change < 0:
            # A review is not a dated event (RULEBOOK 3 lists none): the limit given back is
            # recorded on the contract's latest event, so its history stays in date order.
            contract_status_change(
                contract, ACTIVE, on=contract.last_event_on, kind="limit_restored"
            )
        contract.save(update_fields=["approved_total", "status"])
    _claim_status_change(claim, new_status)
    if claim.remaining_limit is not None:
        claim.remaining_limit += released
    claim.holder_share += released
    claim.approved = amount
    claim.decision = adjudication.DENIED if claim.status == DENIED else claim.decision
    claim.save(update_fields=["status", "approved", "decision", "remaining_limit", "holder_share"])
    ClaimDecision.objects.create(
        claim=claim,
        source=ClaimDecision.ADJUSTER,
        decided_by_id=caller.user_id,
        decision=claim.decision,
        reason_code=claim.reason_code,
        approved=amount,
        holder_share=claim.holder_share,
        remaining_limit=claim.remaining_limit,
        fulfilment=claim.fulfilment,
        needs_review=False,
        status=claim.status,
        explanation=[review.note] if review.note else [],
    )
    audit_record(
        caller=caller,
        action="claim_reviewed",
        entity=claim,
        tenant_id=contract.retailer_id,
        data={"approved": str(amount)},
    )
    webhook_claim_emit("claim.decided", claim, contract)
    return claim


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
    contract, claim = _claim_locked_for(caller, claim)
    if claim.status == FULFILLED:
        raise Refused(
            ClaimError.COMPLETED,
            f"The work on claim {claim.number} is completed: its route can no longer change.",
        )
    _work_may_start_check(claim)
    _contract_still_active(contract)
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
    contract, claim = _claim_locked_for(caller, claim)
    _work_may_start_check(claim)
    _contract_still_active(contract)
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
    _claim_status_change(claim, FULFILLED)
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

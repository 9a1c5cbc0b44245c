"""Writing claims: file and decide, review, fulfil and reimburse.

`claim_file` is the hot path (point-of-sale systems and bulk files call it): it locks the
contract row, decides through the rules, and writes the claim, its lines, the decision and
the audit entry with as few statements as the data allows.
"""

import datetime as dt

from django.db import transaction

from gemcare.claims.models import (
    APPROVED,
    AWAITING_REVIEW,
    DENIED,
    FULFILLED,
    IN_STORE,
    REPAIR_CENTER,
    RETURNED_TO_JEWELER,
    TRANSITIONS,
    Claim,
    ClaimDecision,
    ClaimLine,
    Reimbursement,
)
from gemcare.common.audit import audit_record
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.fields import ZERO
from gemcare.common.inputs import check_code, parse_amount, parse_day, parse_flag
from gemcare.common.rows import RowWriter
from gemcare.contracts.models import ACTIVE, EXHAUSTED, REPLACED, Contract
from gemcare.contracts.selectors import contract_facts
from gemcare.contracts.services import contract_status_change, new_number
from gemcare.partners.models import RepairCenter
from gemcare.rules import adjudication, vocabulary

# The claim path writes through compiled statements (gemcare.common.rows): it is the hot path.
CLAIMS, CLAIM_LINES, CLAIM_DECISIONS = (
    RowWriter(Claim),
    RowWriter(ClaimLine),
    RowWriter(ClaimDecision),
)
CONTRACT_FACT_FIELDS = (
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


def claim_facts_parse(
    *,
    incident_on: object,
    filed_on: object,
    cause: object,
    lines: object,
    repairable: object,
    maintenance_done: object,
) -> adjudication.ClaimFacts:
    """Check a claim as filed and turn it into the rules' input; errors name the field."""
    incident = parse_day(incident_on, field="incident")
    filed = incident if filed_on is None else parse_day(filed_on, field="filed")
    check_code(cause, vocabulary.CAUSES, field="cause", what="cause")
    if incident > today():
        raise InvalidInput("incident", incident, "is in the future")
    if filed > today():
        raise InvalidInput("filed", filed, "is in the future")
    if incident > filed:
        raise InvalidInput(
            "incident", incident, "is after the filing date", code="incident_after_filing"
        )
    parse_flag(repairable, field="repairable")
    parse_flag(maintenance_done, field="maintenance_done")
    if not isinstance(lines, list | tuple) or not lines:
        raise InvalidInput("lines", lines, "a claim needs at least one service line")
    parsed = []
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        if not isinstance(line, dict):
            raise InvalidInput(where, line, "must be a mapping with service and cost")
        sizes = line.get("sizes")
        if sizes is not None and (
            isinstance(sizes, bool) or not isinstance(sizes, int) or sizes < 1
        ):
            raise InvalidInput(
                f"{where}.sizes", sizes, "must be a whole number of sizes, 1 or more"
            )
        service = check_code(
            line.get("service"), vocabulary.SERVICES, field=f"{where}.service", what="service"
        )
        cost = parse_amount(line.get("cost"), field=f"{where}.cost")
        parsed.append(adjudication.ClaimLine(service, cost, sizes))
    return adjudication.ClaimFacts(
        incident_on=incident,
        filed_on=filed,
        cause=cause,
        lines=tuple(parsed),
        repairable=repairable,
        maintenance_done=maintenance_done,
    )


@transaction.atomic
def claim_file(
    *,
    actor=None,
    contract: Contract,
    incident_on: object,
    cause: object,
    lines: object,
    filed_on: object = None,
    repairable: object = True,
    maintenance_done: object = True,
    channel: str = Claim.JEWELER,
) -> Claim:
    """File a claim and decide it at once through the rules engine."""
    facts = claim_facts_parse(
        incident_on=incident_on,
        filed_on=filed_on,
        cause=cause,
        lines=lines,
        repairable=repairable,
        maintenance_done=maintenance_done,
    )
    contract = CONTRACTS.get_for_update(contract.pk, CONTRACT_FACT_FIELDS)
    decision = adjudication.decide_claim(contract_facts(contract), facts)
    status = STATUS_OF_DECISION.get(decision.decision) or (
        AWAITING_REVIEW if decision.needs_review else APPROVED
    )
    if decision.approved:
        _use_limit(contract, decision, on=facts.filed_on)
    claim = CLAIMS.insert(
        number=new_number("K"),
        contract_id=contract.pk,
        filed_on=facts.filed_on,
        incident_on=facts.incident_on,
        cause=facts.cause,
        repairable=facts.repairable,
        maintenance_done=facts.maintenance_done,
        channel=channel,
        filed_by_id=actor.pk if getattr(actor, "pk", None) else None,
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
                "claim_id": claim.pk,
                "position": position,
                "service": filed.service,
                "estimated_cost": filed.estimated_cost,
                "sizes": filed.sizes,
                "result": result.result,
                "approved": result.approved,
                "reason_code": result.reason.code,
                "reason_words": result.reason.words[:300],
            }
            for position, (filed, result) in enumerate(claim_line_results(facts, decision))
        ]
    )
    CLAIM_DECISIONS.insert(
        claim_id=claim.pk,
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
        actor=actor,
        action="claim_filed",
        entity=claim,
        data={"decision": decision.decision, "approved": str(decision.approved)},
    )
    return claim


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


def _use_limit(contract: Contract, decision: adjudication.ClaimDecision, *, on: dt.date) -> None:
    """The aggregate limit is used at approval; a limit used up exhausts the contract."""
    contract.approved_total += decision.approved
    if decision.remaining_limit is not None and decision.remaining_limit <= ZERO:
        contract_status_change(contract, EXHAUSTED, on=on, kind="limit_exhausted")
    CONTRACTS.update(contract.pk, approved_total=contract.approved_total, status=contract.status)


def _claim_status_change(claim: Claim, to_status: str) -> None:
    if to_status not in TRANSITIONS[claim.status]:
        raise Refused(
            "illegal_transition", f"A claim {claim.get_status_display().lower()} cannot move on."
        )
    claim.status = to_status


@transaction.atomic
def claim_review(
    *, actor, claim: Claim, approved: object = None, deny: bool = False, note: str = ""
) -> Claim:
    """An adjuster confirms the engine's decision, lowers the amount, or denies the claim."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != AWAITING_REVIEW:
        raise Refused("claim_not_awaiting_review", "This claim is not waiting for a review.")
    amount = ZERO if deny else claim.approved
    if approved is not None and not deny:
        amount = parse_amount(approved, field="approved")
        if amount > claim.approved:
            raise InvalidInput("approved", amount, "is above the amount the rules allow")
    contract = Contract.objects.select_for_update().get(pk=claim.contract_id)
    released = claim.approved - amount
    if released:
        contract.approved_total -= released
        if contract.status == EXHAUSTED:
            contract_status_change(contract, ACTIVE, on=today(), kind="limit_restored")
        contract.save(update_fields=["approved_total", "status"])
    _claim_status_change(claim, DENIED if deny or amount == ZERO else APPROVED)
    if claim.remaining_limit is not None:
        claim.remaining_limit += released
    claim.holder_share += released
    claim.approved = amount
    claim.decision = adjudication.DENIED if claim.status == DENIED else claim.decision
    claim.save(update_fields=["status", "approved", "decision", "remaining_limit", "holder_share"])
    ClaimDecision.objects.create(
        claim=claim,
        source=ClaimDecision.ADJUSTER,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decision=claim.decision,
        reason_code=claim.reason_code,
        approved=amount,
        holder_share=claim.holder_share,
        remaining_limit=claim.remaining_limit,
        fulfilment=claim.fulfilment,
        needs_review=False,
        status=claim.status,
        explanation=[note] if note else [],
    )
    audit_record(actor=actor, action="claim_reviewed", entity=claim, data={"approved": str(amount)})
    return claim


@transaction.atomic
def claim_fulfil(
    *,
    actor=None,
    claim: Claim,
    actual_cost: object,
    completed_on: object = None,
    route: str = IN_STORE,
    repair_center: RepairCenter | None = None,
) -> Reimbursement:
    """The work is done: reimburse the jeweler its actual cost, at most the approved amount."""
    cost = parse_amount(actual_cost, field="actual_cost")
    completed = today() if completed_on is None else parse_day(completed_on, field="date")
    if route not in {IN_STORE, REPAIR_CENTER}:
        raise InvalidInput("route", route, "must be in_store or repair_center")
    if route == REPAIR_CENTER and repair_center is None:
        raise InvalidInput("repair_center", None, "is required when the item is shipped")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status == AWAITING_REVIEW:
        raise Refused("claim_needs_review", "An adjuster must confirm this claim first.")
    if claim.status != APPROVED:
        raise Refused("claim_not_approved", f"This claim is {claim.get_status_display()}.")
    if completed < claim.filed_on:
        raise InvalidInput("date", completed, "is before the claim was filed")
    _claim_status_change(claim, FULFILLED)
    claim.route = route
    claim.repair_center = repair_center
    claim.save(update_fields=["status", "route", "repair_center"])
    reimbursement = Reimbursement.objects.create(
        claim=claim, actual_cost=cost, amount=min(cost, claim.approved), completed_on=completed
    )
    if claim.fulfilment == adjudication.REPLACEMENT:
        contract = Contract.objects.select_for_update().get(pk=claim.contract_id)
        contract_status_change(contract, REPLACED, on=completed, kind="replaced")
        contract.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="claim_fulfilled",
        entity=claim,
        data={"reimbursed": str(reimbursement.amount)},
    )
    return reimbursement

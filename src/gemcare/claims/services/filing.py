"""Filing a claim: decided at once through the rules engine.

`claim_file` is the hot path (point-of-sale systems and bulk files call it): it locks the
contract row, decides through the rules, and writes the claim, its lines, the decision and
the audit entry with as few statements as the data allows.
"""

import datetime as dt

from django.db import transaction

from gemcare.claims.errors import ClaimError
from gemcare.claims.models import (
    APPROVED,
    AWAITING_REVIEW,
    DENIED,
    OPEN_STATUSES,
    RETURNED_TO_JEWELER,
    Claim,
    ClaimDecision,
    ClaimLine,
)
from gemcare.claims.notifications import claim_decision_notify
from gemcare.claims.schemas import ClaimIn
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.fields import ZERO
from gemcare.common.rows import RowWriter
from gemcare.contracts.models import EXHAUSTED, PENDING_PICKUP, Contract
from gemcare.contracts.selectors import contract_facts
from gemcare.contracts.services import (
    SCOPE_FIELDS,
    contract_locked_for,
    contract_status_change,
    event_order_check,
    new_number,
)
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
    *,
    caller: Caller,
    contract: Contract,
    claim: ClaimIn,
    one_open_claim: bool = False,
    notify_holder: bool = False,
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

    With `notify_holder` (the jeweler portal), the holder is emailed the decision after the
    commit, if they have an email. The partner API and bulk files leave it off: the point of
    sale tells the customer itself, and a file of a thousand claims sends no thousand emails.
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
    if notify_holder:
        claim_decision_notify(filed)
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

"""A person's decisions on a claim: an adjuster's review, and the request for one.

Two kinds of claim reach an adjuster (RULEBOOK 4):
- a claim the rules sent for review (`awaiting_review`: a replacement, or more than
  1,500.00): the adjuster confirms the rules' amount, lowers it, or denies the claim;
- a claim the rules denied whose holder, or the jeweler who filed it, asked for a person
  (`claim_review_request`): the adjuster upholds the denial or approves an amount, at most
  the claim's total estimate (never more than the item's purchase price, what a replacement
  is worth) and, on a plan with an aggregate limit, at most what the limit still allows.

Both go through `claim_review`, so the amount, the status change and the use of the limit
follow one path. Denying, upholding a denial and changing the amount need a written reason
(the review's note), kept with the decision and in the audit log. The holder is emailed the
decision after the commit.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from gemcare.claims.errors import ClaimError
from gemcare.claims.models import (
    APPROVED,
    AWAITING_REVIEW,
    DENIED,
    Claim,
    ClaimDecision,
    ClaimLine,
)
from gemcare.claims.notifications import claim_decision_notify
from gemcare.claims.schemas import ReviewIn, ReviewRequestIn
from gemcare.claims.services._common import (
    claim_locked_for,
    claim_status_change,
    contract_active_check,
)
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.fields import ZERO
from gemcare.contracts.models import ACTIVE, EXHAUSTED, Contract
from gemcare.contracts.selectors import contract_facts
from gemcare.contracts.services import contract_status_change
from gemcare.rules import adjudication
from gemcare.rules.adjudication import claim_value
from gemcare.webhooks.services import webhook_claim_emit


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What a review decides: the amount approved and the claim's status after it."""

    amount: Decimal
    status: str
    requested: bool  # a review the holder or the jeweler asked for


def _reason_check(review: ReviewIn) -> None:
    if not review.note:
        raise InvalidInput(
            "note",
            None,
            "is required to deny a claim or change its amount: write the reason",
            code=ClaimError.REASON_REQUIRED,
        )


def _awaiting_review_outcome(contract: Contract, claim: Claim, review: ReviewIn) -> _Outcome:
    """Confirm, lower or deny what the rules decided: never more than they allow."""
    contract_active_check(contract)
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
    status = DENIED if review.deny or amount == ZERO else APPROVED
    if status == DENIED or amount != claim.approved:
        _reason_check(review)
    return _Outcome(amount, status, requested=False)


def _estimated_total(claim: Claim) -> Decimal:
    costs = ClaimLine.objects.filter(claim_id=claim.pk).values_list("estimated_cost", flat=True)
    return sum(costs, ZERO)


def _requested_review_outcome(contract: Contract, claim: Claim, review: ReviewIn) -> _Outcome:
    """Uphold the rules' denial, or approve an amount within what the claim and the plan's
    limit allow."""
    _reason_check(review)  # upholding a denial is a denial; approving changes the amount
    amount = ZERO if review.deny or review.approved is None else review.approved
    if amount == ZERO:
        return _Outcome(ZERO, DENIED, requested=True)
    contract_active_check(contract)
    most = min(_estimated_total(claim), contract.item_price)
    if amount > most:
        raise InvalidInput(
            "approved",
            amount,
            f"is above {most}, the claim's total estimate (at most the item's price)",
            code=ClaimError.ABOVE_ESTIMATE,
        )
    remaining = contract_facts(contract).remaining_limit
    if remaining is not None and amount > remaining:
        raise InvalidInput(
            "approved",
            amount,
            f"is above {remaining}, what the plan's aggregate limit still allows",
            code=ClaimError.ABOVE_REMAINING_LIMIT,
        )
    return _Outcome(amount, APPROVED, requested=True)


def _limit_use_change(contract: Contract, change: Decimal) -> None:
    """Move the contract's approved total by what the review changes. A limit used up
    exhausts the contract; a limit given back makes an exhausted one active again. A review
    is not a dated event (RULEBOOK 3 lists none): either status change is recorded on the
    contract's latest event, so its history stays in date order."""
    if not change:
        return
    contract.approved_total += change
    remaining = contract_facts(contract).remaining_limit
    if change > 0 and remaining is not None and remaining <= ZERO:
        contract_status_change(
            contract, EXHAUSTED, on=contract.last_event_on, kind="limit_exhausted"
        )
    elif change < 0 and contract.status == EXHAUSTED:
        contract_status_change(contract, ACTIVE, on=contract.last_event_on, kind="limit_restored")
    contract.save(update_fields=["approved_total", "status"])


def _decision_of(claim: Claim, outcome: _Outcome) -> tuple[str, str]:
    """The decision and reason code in force after the review."""
    if outcome.status == DENIED:
        return adjudication.DENIED, claim.reason_code
    if not outcome.requested:
        return claim.decision, claim.reason_code
    if outcome.amount == _estimated_total(claim):
        return adjudication.APPROVED, ""
    return adjudication.PARTIALLY_APPROVED, claim.reason_code


@transaction.atomic
def claim_review(*, caller: Caller, claim: Claim, review: ReviewIn) -> Claim:
    """An adjuster decides a claim waiting for a person: one awaiting review (confirm,
    lower, deny) or a denial whose holder asked for a person (uphold, or approve an amount).
    See the module for the bounds and the written reason."""
    if not isinstance(caller, Caller) or not caller.is_provider:
        raise Refused(ClaimError.REVIEW_NOT_ALLOWED, "Only the provider's adjusters review claims.")
    contract, claim = claim_locked_for(caller, claim)
    if claim.status == AWAITING_REVIEW:
        outcome = _awaiting_review_outcome(contract, claim, review)
    elif claim.status == DENIED and claim.review_open:
        outcome = _requested_review_outcome(contract, claim, review)
    else:
        raise Refused(ClaimError.NOT_AWAITING_REVIEW, "This claim is not waiting for a review.")
    amount = outcome.amount
    _limit_use_change(
        contract,
        claim_value(outcome.status, amount) - claim_value(claim.status, claim.approved),
    )
    released = claim.approved - amount
    decision, reason_code = _decision_of(claim, outcome)
    if outcome.status != claim.status:
        claim_status_change(claim, outcome.status)
    if outcome.requested:
        claim.review_open = False
        if outcome.status == APPROVED:
            remaining = contract_facts(contract).remaining_limit
            claim.remaining_limit = remaining
            claim.fulfilment = adjudication.REPAIR if claim.repairable else adjudication.REPLACEMENT
    elif claim.remaining_limit is not None:
        claim.remaining_limit += released
    claim.holder_share += released
    claim.approved = amount
    claim.decision, claim.reason_code = decision, reason_code
    claim.save(
        update_fields=[
            "status",
            "approved",
            "decision",
            "reason_code",
            "remaining_limit",
            "holder_share",
            "fulfilment",
            "review_open",
        ]
    )
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
    said = {"approved": str(amount)}
    if outcome.requested:
        said["requested_review"] = True
    if review.note:
        said["note"] = review.note
    audit_record(
        caller=caller,
        action="claim_reviewed",
        entity=claim,
        tenant_id=contract.retailer_id,
        data=said,
    )
    webhook_claim_emit("claim.decided", claim, contract)
    claim_decision_notify(claim, adjuster_note=review.note)
    return claim


def _decided_by_a_person(claim: Claim) -> bool:
    return ClaimDecision.objects.filter(claim_id=claim.pk, source=ClaimDecision.ADJUSTER).exists()


@transaction.atomic
def claim_review_request(*, caller: Caller, claim: Claim, request: ReviewRequestIn) -> Claim:
    """The holder (the customer site) or the jeweler who filed the claim asks for a person
    to review the rules' denial. Allowed once (`review_already_requested`), and only for a
    claim the rules denied that no adjuster has decided (`review_not_requestable`); anyone
    who may see the claim may ask (the provider's staff, for a holder who phoned). The
    request is kept on the claim with its reason and who asked, and audited; it changes no
    decision, so it emits no webhook: `claim.decided` follows when the adjuster decides."""
    contract, claim = claim_locked_for(caller, claim)
    if claim.review_requested_on is not None:
        raise Refused(
            ClaimError.REVIEW_ALREADY_REQUESTED,
            f"A person's review of claim {claim.number} was already asked for on "
            f"{claim.review_requested_on.isoformat()}.",
        )
    if claim.status != DENIED or _decided_by_a_person(claim):
        raise Refused(ClaimError.REVIEW_NOT_REQUESTABLE, ClaimError.REVIEW_NOT_REQUESTABLE.words)
    claim.review_requested_on = today()
    claim.review_request_reason = request.reason
    claim.review_requested_by = caller.label
    claim.review_open = True
    claim.save(
        update_fields=[
            "review_requested_on",
            "review_request_reason",
            "review_requested_by",
            "review_open",
        ]
    )
    audit_record(
        caller=caller,
        action="claim_review_requested",
        entity=claim,
        tenant_id=contract.retailer_id,
        data={"requested_on": claim.review_requested_on.isoformat()},
    )
    return claim

"""The steps of a loss after its report and before and after its amount (RULEBOOK 6.1 and
the policy's "What Must Be Done in Case of Loss", "Loss Settlement" and "Recoveries").

- Proof of loss: the insured sends it within 90 days after the insurer asks for it.
- One item, two covers: a Gemcare plan contract that also covers the item pays first for
  what it covers; its claim's approved amount is the "service plan" amount of step 2, and the
  loss and the claim point at each other.
- Settlement: by repair or replacement through a jeweler the insurer approves (an active
  retailer), or by payment; due 30 days after the amount is agreed.
- Recovery: property found after it was paid for or replaced becomes the insurer's.
"""

from django.db import transaction

from gemcare.claims.selectors import claim_get
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.email import email_send
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.contracts.selectors import contract_get
from gemcare.insurance.loss_schemas import (
    LossPlanLinkIn,
    LossRecoveryIn,
    LossSettleIn,
    LossStepIn,
)
from gemcare.insurance.models import Loss, LossEvent
from gemcare.insurance.services._common import money_text
from gemcare.insurance.services.loss_common import (
    LossError,
    clocks_refresh,
    event_write,
    in_order,
    last_step_on,
    loss_locked,
    status_change,
)
from gemcare.partners.models import Retailer


@transaction.atomic
def loss_proof_request(*, caller: Caller, loss: Loss, data: LossStepIn) -> Loss:
    """Ask the insured for a signed, sworn proof of loss: due 90 days after the request."""
    loss = loss_locked(caller, loss)
    in_order(loss, data.on)
    status_change(loss, Loss.PROOF_REQUESTED)
    loss.proof_requested_on = data.on
    clocks_refresh(loss)
    loss.save()
    event_write(caller, loss, LossEvent.PROOF_REQUESTED, data.on)
    to = [person.email for person in loss.policy.named_insureds.all() if person.email]
    if to:
        email_send(
            to=to,
            template="loss_proof_requested",
            context={
                "policy": loss.policy.number,
                "loss_on": loss.loss_on,
                "requested_on": data.on,
                "due_on": loss.proof_of_loss_due,
            },
        )
    audit_record(
        caller=caller,
        action="loss_proof_requested",
        entity=loss,
        data={"policy": loss.policy.number, "due": loss.proof_of_loss_due.isoformat()},
    )
    return loss


@transaction.atomic
def loss_plan_link(*, caller: Caller, loss: Loss, data: LossPlanLinkIn) -> Loss:
    """Point the loss at the plan contract that also covers the item, and at its claim for
    this loss (matched by serial or grading-report number, or chosen by staff). The link is
    made before the amount is agreed: the claim's amount is what the plan pays first."""
    loss = loss_locked(caller, loss)
    if not loss.is_open_for_amount:
        raise Refused(LossError.AMOUNT_ESTABLISHED, LossError.AMOUNT_ESTABLISHED.words)
    if loss.plan_claim_id is not None:
        raise Refused(LossError.PLAN_ALREADY_LINKED, LossError.PLAN_ALREADY_LINKED.words)
    try:
        contract = contract_get(caller=caller, number=data.contract_number)
    except NotFound:
        raise InvalidInput(
            "contract_number", data.contract_number, "is not a plan contract"
        ) from None
    claim = None
    if data.claim_number is not None:
        try:
            claim = claim_get(caller=caller, number=data.claim_number)
        except NotFound:
            raise InvalidInput("claim_number", data.claim_number, "is not a claim") from None
        if claim.contract_id != contract.pk:
            raise Refused(
                LossError.CLAIM_NOT_ON_CONTRACT,
                f"Claim {claim.number} is not on plan contract {contract.number}.",
            )
    loss.plan_contract = contract
    loss.plan_claim = claim
    loss.save(update_fields=["plan_contract", "plan_claim"])
    event_write(
        caller,
        loss,
        LossEvent.PLAN_LINKED,
        last_step_on(loss),
        name=contract.number,
        note=f"claim {claim.number}" if claim else "",
    )
    audit_record(
        caller=caller,
        action="loss_plan_linked",
        entity=loss,
        data={"contract": contract.number, "claim": claim.number if claim else None},
    )
    return loss


@transaction.atomic
def loss_settle(*, caller: Caller, loss: Loss, data: LossSettleIn) -> Loss:
    """Settle the agreed amount: repair or replacement through an approved jeweler (from its
    stock, as the policy says), or payment."""
    loss = loss_locked(caller, loss)
    in_order(loss, data.on)
    status_change(loss, Loss.SETTLED)
    jeweler = None
    if data.jeweler:
        jeweler = Retailer.objects.filter(code=data.jeweler).first()
        if jeweler is None:
            raise InvalidInput("jeweler", data.jeweler, "is not a jeweler's code")
        if not jeweler.is_active:
            raise Refused(
                LossError.NOT_AN_APPROVED_JEWELER,
                f"{jeweler.name} is not an approved jeweler at present.",
            )
    loss.settled_by, loss.settled_on, loss.jeweler = data.by, data.on, jeweler
    loss.save()
    event_write(
        caller,
        loss,
        LossEvent.SETTLED,
        data.on,
        by=data.by,
        name=jeweler.name if jeweler else "",
        amount=loss.payout,
        note=data.note,
    )
    audit_record(
        caller=caller,
        action="loss_settled",
        entity=loss,
        data={
            "by": data.by,
            "jeweler": jeweler.code if jeweler else None,
            "amount": money_text(loss.payout),
            "on_time": loss.payment_due is None or data.on <= loss.payment_due,
        },
    )
    return loss


@transaction.atomic
def loss_recovery_record(*, caller: Caller, loss: Loss, data: LossRecoveryIn) -> Loss:
    """Property found after the insurer paid for it or replaced it: it becomes the
    insurer's. A repaired item was never the insurer's to recover."""
    loss = loss_locked(caller, loss)
    if loss.status not in {Loss.SETTLED, Loss.CLOSED} or loss.settled_by == Loss.REPAIR:
        raise Refused(LossError.NOTHING_TO_RECOVER, LossError.NOTHING_TO_RECOVER.words)
    if loss.recovered_on is not None:
        raise Refused(
            LossError.ALREADY_RECOVERED, f"The property was recovered on {loss.recovered_on}."
        )
    in_order(loss, data.on)
    loss.recovered_on = data.on
    loss.save(update_fields=["recovered_on"])
    event_write(caller, loss, LossEvent.RECOVERED, data.on, by="insurer", note=data.note)
    audit_record(
        caller=caller, action="loss_recovered", entity=loss, data={"on": data.on.isoformat()}
    )
    return loss


@transaction.atomic
def loss_close(*, caller: Caller, loss: Loss, data: LossStepIn) -> Loss:
    loss = loss_locked(caller, loss)
    in_order(loss, data.on)
    status_change(loss, Loss.CLOSED)
    loss.closed_on = data.on
    loss.save(update_fields=["status", "closed_on"])
    event_write(caller, loss, LossEvent.CLOSED, data.on)
    audit_record(caller=caller, action="loss_closed", entity=loss, data={})
    return loss

"""Changes on a sold contract: transfer, cancellation and return with their refund, the
layaway's pickup, a refund's payment."""

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from gemcare.catalog.selectors import (
    plan_terms_by_version_id,
)
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import (
    InvalidInput,
    Refused,
    translate_rule_errors,
)
from gemcare.contracts.errors import ContractError
from gemcare.contracts.holders import holder_create
from gemcare.contracts.models import (
    ACTIVE,
    PENDING_PICKUP,
    VOIDED,
    Cancellation,
    Contract,
    Holder,
    HolderPeriod,
    RefundPayment,
)
from gemcare.contracts.schemas import (
    CancellationIn,
    PickupIn,
    RefundPaymentIn,
    ReturnIn,
    TransferIn,
)
from gemcare.contracts.selectors import (
    cancellation_facts,
    contract_cancellable_check,
    contract_claims,
)
from gemcare.contracts.services._common import (
    CANCELLATION_FIELDS,
    CANCELLATIONS,
    CONTRACT_EVENTS,
    CONTRACTS,
    ITEM_RETURNED,
    contract_locked_for,
    contract_status_change,
    event_order_check,
)
from gemcare.rules.dates import add_years
from gemcare.rules.products import TRANSFER_ANY, TRANSFER_GIFT_RECIPIENT_ONCE
from gemcare.rules.refunds import HOLDER, PROVIDER, late_penalty, plan_refund
from gemcare.webhooks.services import webhook_contract_emit, webhook_refund_emit

# --- changes on a sold contract -------------------------------------------------------------


@sensitive_variables()
@transaction.atomic
def contract_transfer(
    *,
    caller: Caller,
    contract: Contract,
    transfer: TransferIn,
    to_holder: Holder | None = None,
    at_sale: bool = False,
) -> Contract:
    """Hand a contract to a new holder (`transfer.holder`) or an existing one (`to_holder`)
    from `transfer.date`; the previous holder's period ends that day. `at_sale`: the gift's
    naming of its recipient by the sale itself, which a layaway sale makes before pickup."""
    if (to_holder is None) == (transfer.holder is None):
        raise InvalidInput("holder", None, "give either a new holder or an existing one")
    contract = contract_locked_for(caller, contract)
    on = transfer.date
    if contract.status != ACTIVE and not (at_sale and contract.status == PENDING_PICKUP):
        raise Refused(ContractError.NOT_ACTIVE, f"The contract is {contract.status}.")
    event_order_check(contract, on, what="transfer")
    terms = plan_terms_by_version_id(contract.product_version_id)
    reason = HolderPeriod.TRANSFER
    if terms.transfer == TRANSFER_GIFT_RECIPIENT_ONCE:
        already_given = contract.holders.filter(reason=HolderPeriod.GIFT_RECIPIENT).exists()
        if not contract.item_is_gift or already_given:
            raise Refused(ContractError.NOT_TRANSFERABLE, "This plan cannot be transferred.")
        reason = HolderPeriod.GIFT_RECIPIENT
    elif terms.transfer != TRANSFER_ANY:  # pragma: no cover - the rules refuse other values
        raise Refused(ContractError.NOT_TRANSFERABLE, "This plan cannot be transferred.")
    current = contract.holders.filter(until__isnull=True).first()
    # Periods tile the contract's life: the new one starts where the current one ends.
    if current is not None and on < current.since:
        raise Refused(
            ContractError.OUT_OF_ORDER,
            f"The transfer is dated {on.isoformat()}, before {current.since.isoformat()}, "
            "when the current holder's period began.",
        )
    if to_holder is None:
        to_holder = holder_create(
            caller=caller, holder=transfer.holder, tenant_id=contract.retailer_id
        )
    if current is not None:
        HolderPeriod.objects.filter(pk=current.pk).update(until=on)
    HolderPeriod.objects.create(contract=contract, holder=to_holder, since=on, reason=reason)
    previous = contract.holder_id
    contract.holder = to_holder
    contract.last_event_on = max(contract.last_event_on, on)
    contract.save(update_fields=["holder", "last_event_on"])
    CONTRACT_EVENTS.insert(
        contract_id=contract.pk, on=on, kind="transferred", data={"from_holder": previous}
    )
    audit_record(
        caller=caller,
        action="contract_transferred",
        entity=contract,
        tenant_id=contract.retailer_id,
        data={"to": to_holder.pk},
    )
    return contract


def _canceller_check(caller: Caller, by: str) -> None:
    """The holder cancels (in person, through the store or the provider); the provider's own
    cancellation is made by the provider's staff or its scheduled work."""
    if by == PROVIDER and not caller.is_provider:
        raise Refused(ContractError.NOT_ALLOWED, "Only the provider makes a provider cancellation.")


@transaction.atomic
def contract_cancel(
    *, caller: Caller, contract: Contract, cancellation: CancellationIn
) -> Cancellation:
    """Cancel a plan (RULEBOOK 5): the refund, and the contract voided or cancelled."""
    return _cancel(caller, contract, cancellation, action="contract_cancelled")


@transaction.atomic
def contract_return(*, caller: Caller, contract: Contract, item_return: ReturnIn) -> Cancellation:
    """The item came back to the store: in the free look, with no services received, the
    plan is void and refunded in full (a layaway plan not yet picked up, always). Outside it
    the return is refused `free_look_over`: the plan is cancelled instead, prorated."""
    cancellation = CancellationIn.model_construct(
        by=HOLDER, reason=ITEM_RETURNED, date=item_return.date, notice=None
    )
    return _cancel(caller, contract, cancellation, action="contract_returned", void_only=True)


def _cancel(
    caller: Caller,
    contract: Contract,
    cancellation: CancellationIn,
    *,
    action: str,
    void_only: bool = False,
) -> Cancellation:
    _canceller_check(caller, cancellation.by)
    cancel_on = cancellation.date
    # The contract's lock is enough for its claims: every claim change locks it first.
    contract = contract_locked_for(caller, contract, fields=CANCELLATION_FIELDS, writer=CONTRACTS)
    contract_cancellable_check(contract, cancel_on)
    claims = contract_claims(contract.pk)
    if claims.in_review:
        raise Refused(
            ContractError.CLAIM_IN_REVIEW,
            "A claim on this contract waits for a person's review: the review decides first.",
        )
    facts = cancellation_facts(
        contract,
        claims.facts,
        cancel_on=cancel_on,
        by=cancellation.by,
        reason=cancellation.reason,
        notice_on=cancellation.notice,
    )
    with translate_rule_errors():
        decision = plan_refund(facts)
    if void_only and decision.status != VOIDED:
        raise Refused(
            ContractError.FREE_LOOK_OVER,
            f"A return on {cancel_on.isoformat()} falls outside the plan's free look, or "
            "services were received: cancel the plan instead (the refund is prorated).",
        )
    penalty = late_penalty(decision.refund, cancel_on=cancel_on, paid_on=None)
    contract_status_change(contract, decision.status, on=cancel_on, kind="cancelled")
    CONTRACTS.update(contract.pk, status=contract.status, last_event_on=cancel_on)
    created = CANCELLATIONS.insert(
        contract=contract,
        cancel_on=cancel_on,
        by=cancellation.by,
        reason=cancellation.reason or "",
        notice_on=cancellation.notice,
        unearned=decision.unearned,
        services_deducted=decision.services_deducted,
        unearned_factor=decision.unearned_factor,
        refund=decision.refund,
        due_on=penalty.due_on,
        explanation=[said.words for said in decision.reasons],
    )
    audit_record(
        caller=caller,
        action=action,
        entity=contract,
        tenant_id=contract.retailer_id,
        data={"by": cancellation.by, "refund": str(decision.refund), "status": decision.status},
    )
    webhook_contract_emit("contract.cancelled", contract, cancellation=created)
    return created


@transaction.atomic
def contract_pickup(*, caller: Caller, contract: Contract, pickup: PickupIn) -> Contract:
    """A layaway or special order is picked up: the plan's coverage starts that day, and with
    it the free look and the refund term, so the plan's purchase date becomes the pickup
    date (docs/rule-interpretations.md). The item's sale date stays as it was."""
    contract = contract_locked_for(caller, contract)
    if contract.status != PENDING_PICKUP:
        raise Refused(
            ContractError.NOT_PENDING_PICKUP,
            f"The contract is {contract.status}: only a plan waiting for pickup is picked up.",
        )
    on = pickup.date
    event_order_check(contract, on, what="pickup")
    terms = plan_terms_by_version_id(contract.product_version_id)
    registered_on = contract.purchased_on
    contract_status_change(
        contract, ACTIVE, on=on, kind="picked_up", data={"registered_on": registered_on.isoformat()}
    )
    contract.purchased_on = on
    contract.term_ends_on = add_years(on, terms.term_years) if terms.term_years else None
    contract.last_event_on = on
    contract.save(update_fields=["status", "purchased_on", "term_ends_on", "last_event_on"])
    audit_record(
        caller=caller,
        action="contract_picked_up",
        entity=contract,
        tenant_id=contract.retailer_id,
        data={"on": on.isoformat()},
    )
    return contract


@transaction.atomic
def refund_payment_record(
    *, caller: Caller, cancellation: Cancellation, payment: RefundPaymentIn
) -> RefundPayment:
    """Pay a cancellation's refund, with the late penalty when it is paid after it was due."""
    if caller.is_holder:
        raise Refused(ContractError.NOT_ALLOWED, "A holder does not record refund payments.")
    contract = contract_locked_for(caller, cancellation.contract)
    cancellation = Cancellation.objects.get(pk=cancellation.pk)
    paid = payment.paid
    if cancellation.payments.exists():
        raise Refused(ContractError.REFUND_ALREADY_PAID, "This refund has already been paid.")
    if paid < cancellation.cancel_on:
        raise Refused(
            ContractError.OUT_OF_ORDER,
            f"The refund payment is dated {paid.isoformat()}, before "
            f"{cancellation.cancel_on.isoformat()}, the cancellation it pays.",
        )
    event_order_check(contract, paid, what="refund payment")
    penalty = late_penalty(cancellation.refund, cancel_on=cancellation.cancel_on, paid_on=paid)
    made = RefundPayment.objects.create(
        cancellation=cancellation,
        paid_on=paid,
        refund=cancellation.refund,
        days_late=penalty.days_late,
        penalty=penalty.penalty,
        total=cancellation.refund + penalty.penalty,
    )
    contract.last_event_on = paid
    contract.save(update_fields=["last_event_on"])
    audit_record(
        caller=caller,
        action="refund_paid",
        entity=contract,
        tenant_id=contract.retailer_id,
        data={"total": str(made.total), "penalty": str(made.penalty)},
    )
    webhook_refund_emit(made, contract)
    return made


# contracts_expire: see gemcare.contracts.expiry.

"""Writing contracts: sell, transfer, cancel with refund, record a refund payment.

Each service is one transaction that also writes its audit entry; it checks everything
before it writes, so a refused call changes nothing.
"""

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction

from gemcare.catalog.selectors import (
    plan_terms_by_version_id,
    plan_terms_of,
    plan_version_current,
)
from gemcare.common.audit import audit_record
from gemcare.common.errors import InvalidInput, Refused, translate_rule_errors
from gemcare.common.inputs import check_code, check_state, parse_amount, parse_day, parse_flag
from gemcare.common.rows import RowWriter
from gemcare.contracts.models import (
    ACTIVE,
    TRANSITIONS,
    Cancellation,
    Contract,
    ContractEvent,
    Holder,
    HolderPeriod,
    RefundPayment,
)
from gemcare.contracts.selectors import contract_claims_summary
from gemcare.partners.models import Store
from gemcare.rules import vocabulary
from gemcare.rules.pricing import Quote, quote_plan, retailer_commission
from gemcare.rules.products import TRANSFER_ANY, TRANSFER_GIFT_RECIPIENT_ONCE
from gemcare.rules.refunds import CancellationFacts, late_penalty, plan_refund

# Cancelling is a bulk path (returns files, provider runs): compiled statements, like claims.
CANCELLATION_FIELDS = (
    "product_version_id",
    "status",
    "state_at_sale",
    "plan_price",
    "purchased_on",
)
CONTRACTS = RowWriter(Contract).reading(*CANCELLATION_FIELDS)
CONTRACT_EVENTS = RowWriter(ContractEvent)
CANCELLATIONS = RowWriter(Cancellation)

NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


def new_number(prefix: str) -> str:
    """A short, unguessable, readable reference (40 random bits)."""
    return prefix + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def contract_quote(*, product_code: str, item_kind: object, item_price: object) -> Quote:
    terms = plan_terms_of(plan_version_current(code=product_code))
    return _item_quote(terms, item_kind, item_price)[2]


def _item_quote(terms, item_kind: object, item_price: object) -> tuple[str, Decimal, Quote]:
    kind = check_code(item_kind, vocabulary.ITEM_KINDS, field="item.kind", what="item kind")
    price = parse_amount(item_price, field="item.price", allow_zero=False)
    return kind, price, quote_plan(terms, item_kind=kind, item_price=price)


def holder_create(*, name: object, state: object, **contact: object) -> Holder:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("holder.name", name, "is required")
    check_state(state, field="holder.state")
    allowed = {"email", "phone", "address", "date_of_birth", "ssn", "government_id", "bank_account"}
    unknown = set(contact) - allowed
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(f"holder.{field}", contact[field], "is not a holder field")
    return Holder.objects.create(name=name.strip(), state=state, **contact)


@transaction.atomic
def contract_sell(
    *,
    actor=None,
    store: Store,
    product_code: str,
    receipt_number: str,
    item: dict,
    holder: Holder | dict,
    purchased_on: object,
) -> Contract:
    """Sell a plan on one item, at the price of the product version in force."""
    version = plan_version_current(code=product_code)
    terms = plan_terms_of(version)
    purchased = parse_day(purchased_on, field="purchased")
    sold = parse_day(item.get("sold", purchased), field="item.sold")
    if not isinstance(receipt_number, str) or not receipt_number.strip():
        raise InvalidInput("receipt_number", receipt_number, "is required")
    if sold > purchased:
        raise InvalidInput("item.sold", sold, "is after the plan's purchase date")
    if terms.sold_with_item and sold != purchased:
        raise InvalidInput(
            "item.sold",
            sold,
            f"{product_code} is sold with the item, on the same receipt",
            code="plan_must_be_sold_with_item",
        )
    kind, price, quote = _item_quote(terms, item.get("kind"), item.get("price"))
    if not quote.offer:
        raise Refused(quote.reason.code, quote.reason.words)
    water_resistant = parse_flag(item.get("water_resistant", False), field="item.water_resistant")
    gift = parse_flag(item.get("gift", False), field="item.gift")
    if not isinstance(holder, Holder):
        holder = holder_create(**holder)
    contract = Contract.objects.create(
        number=new_number("C"),
        product_version=version,
        retailer_id=store.retailer_id,
        store=store,
        receipt_number=receipt_number.strip(),
        item_kind=kind,
        item_description=str(item.get("description", "")),
        item_price=price,
        item_serial=str(item.get("serial", "")),
        item_water_resistant=water_resistant,
        item_sold_on=sold,
        item_is_gift=gift,
        holder=holder,
        state_at_sale=holder.state,
        plan_price=quote.price,
        commission=retailer_commission(quote.price, store.retailer.commission_rate),
        purchased_on=purchased,
    )
    HolderPeriod.objects.create(
        contract=contract, holder=holder, since=purchased, reason=HolderPeriod.SALE
    )
    ContractEvent.objects.create(contract=contract, on=purchased, kind="sold", to_status=ACTIVE)
    audit_record(
        actor=actor,
        action="contract_sold",
        entity=contract,
        data={"product": product_code, "version": version.number, "price": str(quote.price)},
    )
    return contract


def contract_status_change(contract: Contract, to_status: str, *, on: dt.date, kind: str) -> None:
    """Move a locked contract along the transition table, with its event row."""
    if to_status not in TRANSITIONS[contract.status]:
        raise Refused(
            "illegal_transition", f"A {contract.status} contract cannot become {to_status}."
        )
    CONTRACT_EVENTS.insert(
        contract_id=contract.pk, on=on, kind=kind, from_status=contract.status, to_status=to_status
    )
    contract.status = to_status


def _locked(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


@transaction.atomic
def contract_transfer(*, actor=None, contract: Contract, to_holder: Holder | dict, on: object):
    on_date = parse_day(on, field="date")
    contract = _locked(contract)
    terms = plan_terms_by_version_id(contract.product_version_id)
    if contract.status != ACTIVE:
        raise Refused("contract_not_active", f"The contract is {contract.status}.")
    if on_date < contract.purchased_on:
        raise InvalidInput("date", on_date, "is before the plan's purchase date")
    reason = HolderPeriod.TRANSFER
    if terms.transfer == TRANSFER_GIFT_RECIPIENT_ONCE:
        already_given = contract.holders.filter(reason=HolderPeriod.GIFT_RECIPIENT).exists()
        if not contract.item_is_gift or already_given:
            raise Refused("not_transferable", "This plan cannot be transferred.")
        reason = HolderPeriod.GIFT_RECIPIENT
    elif terms.transfer != TRANSFER_ANY:  # pragma: no cover - the rules refuse other values
        raise Refused("not_transferable", "This plan cannot be transferred.")
    if not isinstance(to_holder, Holder):
        to_holder = holder_create(**{"state": contract.holder.state, **to_holder})
    contract.holders.filter(until__isnull=True).update(until=on_date)
    HolderPeriod.objects.create(contract=contract, holder=to_holder, since=on_date, reason=reason)
    previous = contract.holder_id
    contract.holder = to_holder
    contract.save(update_fields=["holder"])
    ContractEvent.objects.create(
        contract=contract, on=on_date, kind="transferred", data={"from_holder": previous}
    )
    audit_record(
        actor=actor, action="contract_transferred", entity=contract, data={"to": to_holder.pk}
    )
    return contract


@transaction.atomic
def contract_cancel(
    *,
    actor=None,
    contract: Contract,
    cancel_on: object,
    by: object,
    reason: object = None,
    notice_on: object = None,
) -> Cancellation:
    cancel_date = parse_day(cancel_on, field="date")
    notice_date = None if notice_on is None else parse_day(notice_on, field="notice")
    check_code(by, vocabulary.CANCELLERS, field="by", what="canceller")
    if reason is not None:
        check_code(
            reason, vocabulary.CANCELLATION_REASONS, field="reason", what="cancellation reason"
        )
    contract = CONTRACTS.get_for_update(contract.pk, CANCELLATION_FIELDS)
    if contract.status not in {ACTIVE, "exhausted"}:
        raise Refused("contract_not_active", f"The contract is {contract.status}.")
    if cancel_date < contract.purchased_on:
        raise InvalidInput("date", cancel_date, "is before the plan's purchase date")
    services, filed = contract_claims_summary(contract)
    facts = CancellationFacts(
        terms=plan_terms_by_version_id(contract.product_version_id),
        state=contract.state_at_sale,
        plan_price=contract.plan_price,
        purchased_on=contract.purchased_on,
        cancel_on=cancel_date,
        by=by,
        reason=reason,
        services_received=services,
        claims_filed=filed,
        notice_on=notice_date,
    )
    with translate_rule_errors():
        decision = plan_refund(facts)
    penalty = late_penalty(decision.refund, cancel_on=cancel_date, paid_on=None)
    contract_status_change(contract, decision.status, on=cancel_date, kind="cancelled")
    CONTRACTS.update(contract.pk, status=contract.status)
    cancellation = CANCELLATIONS.insert(
        contract=contract,
        cancel_on=cancel_date,
        by=by,
        reason=reason or "",
        notice_on=notice_date,
        unearned=decision.unearned,
        services_deducted=decision.services_deducted,
        unearned_factor=decision.unearned_factor,
        refund=decision.refund,
        due_on=penalty.due_on,
        explanation=[said.words for said in decision.reasons],
    )
    audit_record(
        actor=actor,
        action="contract_cancelled",
        entity=contract,
        data={"by": by, "refund": str(decision.refund), "status": decision.status},
    )
    return cancellation


@transaction.atomic
def refund_payment_record(
    *, actor=None, cancellation: Cancellation, paid_on: object
) -> RefundPayment:
    """Pay a cancellation's refund, with the late penalty when it is paid after it was due."""
    paid = parse_day(paid_on, field="refund_paid")
    cancellation = Cancellation.objects.select_for_update().get(pk=cancellation.pk)
    if cancellation.payments.exists():
        raise Refused("refund_already_paid", "This refund has already been paid.")
    if paid < cancellation.cancel_on:
        raise InvalidInput("refund_paid", paid, "is before the cancellation date")
    penalty = late_penalty(cancellation.refund, cancel_on=cancellation.cancel_on, paid_on=paid)
    payment = RefundPayment.objects.create(
        cancellation=cancellation,
        paid_on=paid,
        refund=cancellation.refund,
        days_late=penalty.days_late,
        penalty=penalty.penalty,
        total=cancellation.refund + penalty.penalty,
    )
    audit_record(
        actor=actor,
        action="refund_paid",
        entity=cancellation.contract,
        data={"total": str(payment.total), "penalty": str(payment.penalty)},
    )
    return payment


@transaction.atomic
def contracts_expire(*, on: dt.date, actor=None) -> int:
    """Mark active contracts whose term ended on or before `on` as expired; returns how many.

    Meant for a daily task. Lifetime plans never expire here.
    """
    from gemcare.rules.dates import add_years

    expired = 0
    candidates = (
        Contract.objects.select_for_update()
        .filter(status=ACTIVE, product_version__term_years__isnull=False)
        .select_related("product_version")
    )
    for contract in candidates:
        term_end = add_years(contract.purchased_on, contract.product_version.term_years)
        if term_end <= on:
            contract_status_change(contract, "expired", on=term_end, kind="expired")
            contract.save(update_fields=["status"])
            audit_record(actor=actor, action="contract_expired", entity=contract, data={})
            expired += 1
    return expired

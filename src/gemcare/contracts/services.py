"""Writing contracts and holders: sell, transfer, cancel with refund, record a refund payment.

Each service takes the `Caller` and the typed input (`gemcare.contracts.schemas`, checked
once at the edge), is one transaction that locks through `gemcare.common.locking` and writes
its audit entry with the tenant, and checks everything before it writes, so a refused call
changes nothing. Events on a contract happen in date order (RULEBOOK 3): each dated event is
checked against `Contract.last_event_on` and moves it forward.

`contracts_expire` lives in `gemcare.contracts.expiry`.
"""

import datetime as dt
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.views.decorators.debug import sensitive_variables

from gemcare.catalog.selectors import (
    plan_on_sale,
    plan_terms_by_version_id,
    plan_terms_of,
    plan_version_current,
)
from gemcare.common.audit import AUDIT_ROWS, audit_entry, audit_record, audit_rows
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import (
    CommonError,
    InvalidInput,
    NotFound,
    Refused,
    translate_rule_errors,
)
from gemcare.common.idempotency import in_idempotent_work
from gemcare.common.locking import contract_lock
from gemcare.common.rows import RowWriter
from gemcare.common.statements import (
    CompiledInsert,
    CompiledRead,
    InsertChain,
    Ref,
    column,
    constraint_broken,
    table,
)
from gemcare.contracts.errors import ContractError
from gemcare.contracts.holders import HOLDERS, holder_create, holder_row
from gemcare.contracts.models import (
    ACTIVE,
    PENDING_PICKUP,
    TRANSITIONS,
    VOIDED,
    Cancellation,
    Contract,
    ContractEvent,
    Holder,
    HolderPeriod,
    RefundPayment,
)
from gemcare.contracts.schemas import (
    CancellationIn,
    PickupIn,
    QuoteIn,
    RefundPaymentIn,
    ReturnIn,
    SaleIn,
    TransferIn,
)
from gemcare.contracts.selectors import (
    cancellation_facts,
    contract_cancellable_check,
    contract_claims,
    contract_is_visible,
    store_for_sale,
)
from gemcare.partners.models import Retailer, Store
from gemcare.rules.dates import add_years
from gemcare.rules.pricing import Quote, quote_plan, retailer_commission
from gemcare.rules.products import TRANSFER_ANY, TRANSFER_GIFT_RECIPIENT_ONCE
from gemcare.rules.refunds import HOLDER, PROVIDER, late_penalty, plan_refund
from gemcare.webhooks.services import webhook_contract_emit, webhook_refund_emit

# What a service needs to know of a locked contract to check the caller and the date order.
SCOPE_FIELDS = ("number", "retailer_id", "store_id", "holder_id", "last_event_on")
# Cancelling is a bulk path (returns files, provider runs): compiled statements, like claims.
CANCELLATION_FIELDS = (
    *SCOPE_FIELDS,
    "product_version_id",
    "status",
    "state_at_sale",
    "plan_price",
    "purchased_on",
)
CONTRACTS = RowWriter(Contract).reading(*CANCELLATION_FIELDS)
CONTRACT_EVENTS = RowWriter(ContractEvent)
# The sale's rows (docs/decisions/0021-api-hot-path.md).
CONTRACT_ROWS = CompiledInsert(Contract)
_SOLD_AT, _HOLDER = Contract._meta.get_field("sold_at"), Contract._meta.get_field("holder")
SALE_PERIODS = CompiledInsert(HolderPeriod, "contract_id", "holder_id", "since", "until", "reason")
SALE_EVENTS = CompiledInsert(
    ContractEvent, "contract_id", "at", "on", "kind", "from_status", "to_status", "data"
)
SALE_ROWS = InsertChain(HOLDERS, CONTRACT_ROWS, SALE_PERIODS, SALE_EVENTS, AUDIT_ROWS)
# What stops a second live sale of a receipt line, however the sales arrive.
RECEIPT_LINE_CONSTRAINT = "contract_one_live_sale_per_receipt_line"
CANCELLATIONS = RowWriter(Cancellation)

NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
# A contract that can no longer be reviewed, fulfilled or approved on. `exhausted` is not
# among them: the replacement that used the last of the limit is still confirmed and fulfilled.
NO_LONGER_ACTIVE = frozenset({"voided", "cancelled", "expired", "replaced"})
# The reason recorded on the cancellation a return makes (not one a caller gives).
ITEM_RETURNED = "item_returned"


def new_number(prefix: str) -> str:
    """A short, unguessable, readable reference (40 random bits: 8 of the 32 characters)."""
    number, characters = secrets.randbits(40), []
    for _ in range(8):
        number, digit = divmod(number, 32)
        characters.append(NUMBER_ALPHABET[digit])
    return prefix + "".join(characters)


# --- checks every contract service shares -----------------------------------------------------


def contract_locked_for(
    caller: Caller, contract: Contract, *, fields=None, writer=None
) -> Contract:
    """Lock the contract for a change by `caller`: "not found" if it is not the caller's."""
    caller_required(caller)
    locked = contract_lock(contract.pk, fields=fields, writer=writer)
    if not contract_is_visible(locked, caller=caller):
        raise NotFound("contract", contract.number)
    return locked


def event_order_check(contract: Contract, on: dt.date, *, what: str) -> None:
    """RULEBOOK 3: an event may not be dated before the latest one already on the contract."""
    if on < contract.last_event_on:
        raise Refused(
            ContractError.OUT_OF_ORDER,
            f"The {what} is dated {on.isoformat()}, before {contract.last_event_on.isoformat()}, "
            "the latest event already recorded on the contract.",
        )


def contract_status_change(
    contract: Contract, to_status: str, *, on: dt.date, kind: str, data: dict | None = None
) -> None:
    """Move a locked contract along the transition table, with its event row."""
    if to_status not in TRANSITIONS[contract.status]:
        raise Refused(
            CommonError.ILLEGAL_TRANSITION,
            f"A {contract.status} contract cannot become {to_status}.",
        )
    CONTRACT_EVENTS.insert(
        contract_id=contract.pk,
        on=on,
        kind=kind,
        from_status=contract.status,
        to_status=to_status,
        data=data or {},
    )
    contract.status = to_status


def _store_check(caller: Caller, store: Store) -> None:
    if caller.is_provider:
        return
    own_retailer = caller.is_retailer and store.retailer_id == caller.retailer_id
    if own_retailer and caller.store_id in (None, store.pk):
        return
    raise NotFound("store", store.code)


def sale_store_get(*, caller: Caller, code: object) -> Store:
    """`store_for_sale` (gemcare.contracts.selectors) for a retailer's caller, through one
    statement built once per process: the store named by its code, with its retailer (the
    commission rate the sale reads), among the caller's stores only (a key limited to a
    store, that store). Another retailer's store, or none, is "not found". Other callers go
    through `store_for_sale` itself."""
    caller = caller_required(caller)
    if not caller.is_retailer:
        return store_for_sale(caller=caller, code=code)
    if not isinstance(code, str):
        raise NotFound("store", code)
    if caller.store_id is None:
        values = _STORE_OF_RETAILER.fetchone([code, caller.retailer_id])
    else:
        values = _STORE_OF_KEY.fetchone([code, caller.retailer_id, caller.store_id])
    if values is None:
        raise NotFound("store", code)
    split = len(_STORE_COLUMNS)
    store = Store.from_db(_STORE_OF_KEY.using, None, values[:split])
    store.retailer = Retailer.from_db(_STORE_OF_KEY.using, None, values[split:])
    return store


_STORE_COLUMNS = [field for field in Store._meta.concrete_fields]
_RETAILER_COLUMNS = [field for field in Retailer._meta.concrete_fields]


def _store_sql(*, one_store: bool):
    def sql_of(connection) -> str:
        quote = connection.ops.quote_name
        columns = [f"s.{quote(field.column)}" for field in _STORE_COLUMNS]
        columns += [f"r.{quote(field.column)}" for field in _RETAILER_COLUMNS]
        store_retailer = column(Store, "retailer", quote)
        sql = (
            f"SELECT {', '.join(columns)} FROM {table(Store, quote)} s"
            f" INNER JOIN {table(Retailer, quote)} r"
            f" ON r.{column(Retailer, 'id', quote)} = s.{store_retailer}"
            f" WHERE s.{column(Store, 'code', quote)} = %s AND s.{store_retailer} = %s"
        )
        if one_store:
            sql += f" AND s.{column(Store, 'id', quote)} = %s"
        return sql

    return sql_of


# (retailer, code) is unique: at most one row.
_STORE_OF_RETAILER = CompiledRead(_store_sql(one_store=False), _STORE_COLUMNS + _RETAILER_COLUMNS)
_STORE_OF_KEY = CompiledRead(_store_sql(one_store=True), _STORE_COLUMNS + _RETAILER_COLUMNS)


# --- quotes ---------------------------------------------------------------------


def contract_quote(*, caller: Caller, quote: QuoteIn) -> Quote:
    """The price of a plan on an item today, or why it is not offered. Prices are public:
    every caller may ask."""
    caller_required(caller)
    terms = plan_terms_of(plan_version_current(code=quote.product))
    return quote_plan(terms, item_kind=quote.kind, item_price=quote.price)


# --- the sale -------------------------------------------------------------------------------


@sensitive_variables()
def contract_sell(
    *,
    caller: Caller,
    store: Store,
    sale: SaleIn,
    holder: Holder | None = None,
    is_test: bool = False,
    quoted_price: Decimal | None = None,
) -> Contract:
    """Sell a plan on one item, at the price of the product version in force, to a new
    holder (`sale.holder`) or an existing one (`holder`). `is_test` marks a test-mode sale
    (made with a test API key): it behaves the same but is kept apart from live records.
    The price charged (`sale.plan_price`) and the price of a quote the sale was made against
    (`quoted_price`), when given, must be the band's price (`price_mismatch`).

    A receipt line holds one live plan (`duplicate_sale` otherwise). The database's partial
    unique constraint decides, for a plain second sale as for two sales of the line at once:
    the refused sale's insert fails, and this transaction (or savepoint, inside another)
    rolls back whatever it wrote before, its new holder included.

    Every point of sale calls this: the version on sale comes from the catalog kept per
    process, and the sale's rows are written together, through compiled statements (one
    statement on PostgreSQL; docs/decisions/0021-api-hot-path.md)."""
    # One transaction, or a savepoint inside another; none inside an idempotent answer,
    # which rolls back whole on a refusal (`in_idempotent_work`).
    with transaction.atomic(savepoint=not in_idempotent_work()):
        return _contract_sell(caller, store, sale, holder, is_test, quoted_price)


@sensitive_variables()
def _contract_sell(caller, store, sale, holder, is_test, quoted_price) -> Contract:
    caller_required(caller)
    _store_check(caller, store)
    if (holder is None) == (sale.holder is None):
        raise InvalidInput("holder", None, "give either a new holder or an existing one")
    version, terms = plan_on_sale(code=sale.product)
    item = sale.item
    purchased = sale.purchased
    sold = item.sold or purchased
    if sold > purchased:
        raise InvalidInput(
            "item.sold",
            sold,
            "is after the plan's purchase date",
            code=ContractError.SOLD_AFTER_PURCHASE,
        )
    if terms.sold_with_item and sold != purchased:
        raise InvalidInput(
            "item.sold",
            sold,
            f"{sale.product} is sold with the item, on the same receipt",
            code=ContractError.SOLD_WITH_ITEM,
        )
    quote = quote_plan(terms, item_kind=item.kind, item_price=item.price)
    if not quote.offer:
        raise Refused(quote.reason.code, quote.reason.words)
    if sale.plan_price is not None and sale.plan_price != quote.price:
        raise InvalidInput(
            "plan_price",
            sale.plan_price,
            f"is not the plan's price for this item ({quote.price})",
            code=ContractError.PRICE_MISMATCH,
        )
    if quoted_price is not None and quoted_price != quote.price:
        raise InvalidInput(
            "quote_id",
            None,
            f"quoted {quoted_price}, which is no longer the plan's price ({quote.price}): "
            "ask for a new quote",
            code=ContractError.PRICE_MISMATCH,
        )
    try:
        contract = _sale_write(caller, sale, version, terms, quote, store, holder, sold, is_test)
    except IntegrityError as error:
        if constraint_broken(error, Contract, RECEIPT_LINE_CONSTRAINT):
            raise _duplicate_sale(sale) from None
        raise
    if sale.gift_recipient is not None:
        # The gift's one naming of its recipient, on the day of the sale, by the same rules
        # as any later one.
        contract = contract_transfer(
            caller=caller,
            contract=contract,
            transfer=TransferIn.model_construct(date=purchased, holder=sale.gift_recipient),
            at_sale=True,
        )
    webhook_contract_emit("contract.created", contract)
    return contract


def _duplicate_sale(sale: SaleIn) -> Refused:
    return Refused(
        ContractError.DUPLICATE_SALE,
        f"Line {sale.receipt_line} of this receipt already has a live plan; "
        "void or cancel it before selling the line again.",
    )


@sensitive_variables()
def _sale_write(caller, sale, version, terms, quote, store, holder, sold, is_test) -> Contract:
    """The sale's rows: the new holder (if any), the contract, its first holder period, its
    `sold` event and the audit entries, in one statement where the database allows
    (`SALE_ROWS`). A second live sale of the receipt line fails it whole."""
    item = sale.item
    purchased = sale.purchased
    holder_rows, audits = [], []
    if holder is None:
        holder_values, given = holder_row(sale.holder)
        holder_rows = [holder_values]
        holder_id, holder_state = Ref(0), sale.holder.state
        audits.append(
            audit_entry(
                caller=caller,
                action="holder_created",
                entity=Holder,
                entity_id=Ref(0, as_text=True),
                tenant_id=store.retailer_id,
                data={"fields": given},
            )
        )
    else:
        holder_id, holder_state = holder.pk, holder.state
    status = PENDING_PICKUP if sale.pending_pickup else ACTIVE
    contract_values = CONTRACT_ROWS.row(
        number=new_number("C"),
        product_version_id=version.pk,
        retailer_id=store.retailer_id,
        store_id=store.pk,
        receipt_number=sale.receipt_number,
        receipt_line=sale.receipt_line,
        is_test=is_test,
        item_kind=item.kind,
        item_description=item.description,
        item_price=item.price,
        item_serial=item.serial,
        item_water_resistant=item.water_resistant,
        item_sold_on=sold,
        item_is_gift=item.gift,
        holder_id=holder_id,
        state_at_sale=holder_state,
        plan_price=quote.price,
        commission=retailer_commission(quote.price, store.retailer.commission_rate),
        purchased_on=purchased,
        term_ends_on=add_years(purchased, terms.term_years) if terms.term_years else None,
        last_event_on=purchased,
        # A layaway's term is worked out again from the pickup (contract_pickup).
        status=status,
    )
    audits.append(
        audit_entry(
            caller=caller,
            action="contract_sold",
            entity=Contract,
            entity_id=Ref(1, as_text=True),
            tenant_id=store.retailer_id,
            data={"product": sale.product, "version": version.number, "price": str(quote.price)},
        )
    )
    sold_at = contract_values[CONTRACT_ROWS.fields.index(_SOLD_AT)]
    holder_ids, (contract_key,), *_ = SALE_ROWS.insert(
        [
            holder_rows,
            [contract_values],
            [(Ref(1), holder_id, purchased, None, HolderPeriod.SALE)],
            [(Ref(1), sold_at, purchased, "sold", "", status, {})],
            audit_rows(audits),
        ]
    )
    if holder is None:
        holder = HOLDERS.instance(holder_values, holder_ids[0])
    contract_values[CONTRACT_ROWS.fields.index(_HOLDER)] = holder.pk
    contract = CONTRACT_ROWS.instance(contract_values, contract_key)
    # What the caller reads of it next (the answer names the version and the store): the
    # instances in hand, not a query each.
    contract.product_version = version
    contract.store = store
    contract.holder = holder
    return contract


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

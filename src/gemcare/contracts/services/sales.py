"""Selling a plan: the store it is sold at, the quote, the sale in one statement."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.views.decorators.debug import sensitive_variables

from gemcare.catalog.selectors import (
    catalog_signature_read,
    plan_on_sale,
    plan_terms_of,
    plan_version_current,
)
from gemcare.common.audit import AUDIT_ROWS, audit_entry, audit_rows
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import (
    InvalidInput,
    NotFound,
    Refused,
)
from gemcare.common.idempotency import in_idempotent_work
from gemcare.common.statements import (
    BoundRead,
    CompiledInsert,
    CompiledRead,
    InsertChain,
    Ref,
    column,
    constraint_broken,
    table,
)
from gemcare.contracts.errors import ContractError
from gemcare.contracts.holders import HOLDERS, holder_row
from gemcare.contracts.models import (
    ACTIVE,
    PENDING_PICKUP,
    Contract,
    ContractEvent,
    Holder,
    HolderPeriod,
)
from gemcare.contracts.schemas import (
    QuoteIn,
    SaleIn,
    TransferIn,
)
from gemcare.contracts.selectors import (
    store_for_sale,
)
from gemcare.contracts.services._common import new_number
from gemcare.contracts.services.changes import contract_transfer
from gemcare.partners.models import Retailer, Store
from gemcare.rules.dates import add_years
from gemcare.rules.pricing import Quote, quote_plan, retailer_commission
from gemcare.webhooks.services import subscriptions_read, webhook_contract_emit

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
    read = sale_store_read(caller=caller, code=code)
    if read is None:
        raise NotFound("store", code)
    values = read.read.fetchone(read.params)
    if values is None:
        raise NotFound("store", code)
    split = len(_STORE_COLUMNS)
    store = Store.from_db(_STORE_OF_KEY.using, None, values[:split])
    store.retailer = Retailer.from_db(_STORE_OF_KEY.using, None, values[split:])
    return store


def sale_store_read(*, caller: Caller, code: object) -> BoundRead | None:
    """The read `sale_store_get` makes for a retailer's caller (for `reads_together`);
    None when it makes none (a code that is not text is not found without a query)."""
    if not caller.is_retailer or not isinstance(code, str):
        return None
    if caller.store_id is None:
        return _STORE_OF_RETAILER.bound([code, caller.retailer_id])
    return _STORE_OF_KEY.bound([code, caller.retailer_id, caller.store_id])


def sale_reads(*, caller: Caller, store_code: object) -> list[BoundRead]:
    """The reads a sale at that store makes (`sale_store_get`, then `contract_sell`: the
    catalog's signature and the retailer's webhook subscriptions), for a caller that can
    make them in one round trip with its own (`reads_together`)."""
    store = sale_store_read(caller=caller, code=store_code)
    reads = [catalog_signature_read(), subscriptions_read(caller.retailer_id)]
    return [store, *reads] if store is not None else reads


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

"""Reading what the API gave out: quotes, always on behalf of a caller."""

from decimal import Decimal

from django.utils import timezone

from gemcare.api.errors import QuoteError
from gemcare.api.models import Quote, QuoteItem, QuoteOffer
from gemcare.api.schemas import ContractsQuery
from gemcare.claims.models import OPEN_STATUSES
from gemcare.claims.selectors import claims_visible
from gemcare.common.callers import Caller, caller_scope
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.common.statements import CompiledRead, column, table
from gemcare.contracts.models import PENDING_PICKUP, Contract
from gemcare.contracts.selectors import contract_facts, contract_get, contracts_visible

# A claim not yet settled: awaiting review, or approved and not yet fulfilled.


def quote_get(*, caller: Caller, quote_id: str, is_test: bool | None = None) -> Quote:
    """The caller's quote; another retailer's (or store's) answers like none at all, and so
    does a test quote to a live key and the reverse."""
    scope = caller_scope(caller, retailer="retailer_id", store="store_id", holder="-")
    if scope is None or caller.is_holder or not isinstance(quote_id, str):
        raise NotFound("quote", quote_id)
    query = Quote.objects.filter(public_id=quote_id, **scope)
    if is_test is not None:
        query = query.filter(is_test=is_test)
    quote = query.first()
    if quote is None:
        raise NotFound("quote", quote_id)
    return quote


def quote_price_for(
    *, caller: Caller, quote_id: str, line_id: str, product: str, is_test: bool | None = None
) -> Decimal:
    """The plan price a quote offered for one of its lines and a product: what a sale
    registered against the quote must charge. Refused once the quote has expired.

    A sale names its quote on every checkout that quoted first: for a retailer's caller the
    quote, its line and the offer are read in one statement built once per process."""
    if not caller.is_retailer or not all(
        isinstance(value, str) for value in (quote_id, line_id, product)
    ):
        return _quote_price_read(caller, quote_id, line_id, product, is_test)
    params: list[object] = [line_id, product, quote_id, caller.retailer_id]
    if caller.store_id is not None:
        params.append(caller.store_id)
    if is_test is not None:
        params.append(is_test)
    read = _QUOTED.get((caller.store_id is not None, is_test is not None))
    if read is None:
        read = _QUOTED[(caller.store_id is not None, is_test is not None)] = CompiledRead(
            _quoted_sql(by_store=caller.store_id is not None, by_mode=is_test is not None),
            [_QUOTE_EXPIRES, _ITEM_ID, _OFFER_PRICE],
        )
    found = read.fetchone(params)
    if found is None:
        raise NotFound("quote", quote_id)
    expires_at, item_id, price = found
    return _quoted_price(expires_at, line_id, item_id is not None, price)


def _quoted_price(expires_at, line_id, has_line: bool, price: Decimal | None) -> Decimal:
    if expires_at <= timezone.now():
        raise Refused(QuoteError.EXPIRED, QuoteError.EXPIRED.words)
    if price is not None:
        return price
    if not has_line:
        raise InvalidInput(
            "quote_line", line_id, "is not a line of the quote", code=QuoteError.LINE_UNKNOWN
        )
    raise Refused(QuoteError.NOT_OFFERED, QuoteError.NOT_OFFERED.words)


def _quote_price_read(caller, quote_id, line_id, product, is_test) -> Decimal:
    """`quote_price_for` through the ORM: for the provider's callers (every tenant)."""
    quote = quote_get(caller=caller, quote_id=quote_id, is_test=is_test)
    offer = (
        QuoteOffer.objects.filter(item__quote=quote, item__line_id=line_id, product_code=product)
        .only("plan_price")
        .first()
    )
    has_line = offer is not None or quote.items.filter(line_id=line_id).exists()
    price = offer.plan_price if offer is not None else None
    return _quoted_price(quote.expires_at, line_id, has_line, price)


_QUOTE_EXPIRES = Quote._meta.get_field("expires_at")
_ITEM_ID = QuoteItem._meta.get_field("id")
_OFFER_PRICE = QuoteOffer._meta.get_field("plan_price")
_QUOTED: dict[tuple[bool, bool], CompiledRead] = {}


def _quoted_sql(*, by_store: bool, by_mode: bool):
    def sql_of(connection) -> str:
        quote = connection.ops.quote_name

        def of(model, alias: str, name: str) -> str:
            return f"{alias}.{column(model, name, quote)}"

        sql = (
            f"SELECT {of(Quote, 'q', 'expires_at')}, {of(QuoteItem, 'i', 'id')},"
            f" {of(QuoteOffer, 'o', 'plan_price')} FROM {table(Quote, quote)} q"
            f" LEFT OUTER JOIN {table(QuoteItem, quote)} i"
            f" ON {of(QuoteItem, 'i', 'quote')} = {of(Quote, 'q', 'id')}"
            f" AND {of(QuoteItem, 'i', 'line_id')} = %s"
            f" LEFT OUTER JOIN {table(QuoteOffer, quote)} o"
            f" ON {of(QuoteOffer, 'o', 'item')} = {of(QuoteItem, 'i', 'id')}"
            f" AND {of(QuoteOffer, 'o', 'product_code')} = %s"
            f" WHERE {of(Quote, 'q', 'public_id')} = %s AND {of(Quote, 'q', 'retailer')} = %s"
        )
        if by_store:
            sql += f" AND {of(Quote, 'q', 'store')} = %s"
        if by_mode:
            sql += f" AND {of(Quote, 'q', 'is_test')} = %s"
        return sql

    return sql_of


# --- contracts -------------------------------------------------------------------------------


def cursor_of(last_id: int) -> str:
    """Where the next page starts: below this id (the schema reads it as digits only)."""
    return str(last_id)


def cursor_read(cursor: str) -> int | None:
    return int(cursor) if cursor else None


def contracts_page(
    *, caller: Caller, filters: ContractsQuery, is_test: bool
) -> tuple[list[Contract], str | None]:
    """A page of the caller's contracts, newest first by id (a stable order: a sale made
    while a client pages lands before its first page, never inside it)."""
    query = contracts_visible(caller=caller, is_test=is_test).select_related(
        "holder", "store", "product_version__product"
    )
    if filters.receipt_number:
        query = query.filter(receipt_number=filters.receipt_number)
    if filters.holder_email:
        query = query.filter(holder__email__iexact=filters.holder_email)
    if filters.holder_phone:
        query = query.filter(holder__phone=filters.holder_phone)
    if filters.status:
        query = query.filter(status=filters.status)
    if filters.store:
        query = query.filter(store__code=filters.store)
    if filters.sold_from:
        query = query.filter(purchased_on__gte=filters.sold_from)
    if filters.sold_to:
        query = query.filter(purchased_on__lte=filters.sold_to)
    after = cursor_read(filters.cursor)
    if after is not None:
        query = query.filter(id__lt=after)
    rows = list(query.order_by("-id")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return rows, cursor_of(rows[-1].pk) if more else None


def contract_detail(*, caller: Caller, number: str, is_test: bool) -> dict:
    """A contract with what a counter needs to answer a customer: its coverage, what it may
    still pay and its claims."""
    contract = contract_get(caller=caller, number=number, is_test=is_test)
    facts = contract_facts(contract)
    terms = facts.terms
    claims = list(
        claims_visible(caller=caller).filter(contract=contract).order_by("filed_on", "id")
    )
    # A layaway's coverage starts at pickup, on a day not known yet.
    pending = contract.status == PENDING_PICKUP
    return {
        "contract": contract,
        "coverage": {
            "starts_on": None if pending else contract.purchased_on,
            "ends_on": None if pending else contract.term_ends_on,
            "lifetime": terms.is_lifetime,
            "causes": sorted(terms.causes),
            "services": [
                {
                    "service": service.service,
                    "requires_water_resistant": service.requires_water_resistant,
                    "max_sizes": service.max_sizes,
                }
                for (kind, _), service in terms.services.items()
                if kind == contract.item_kind
            ],
        },
        "remaining_limit": facts.remaining_limit,
        "claims": {
            "count": len(claims),
            "open": sum(1 for claim in claims if claim.status in OPEN_STATUSES),
            "approved_total": contract.approved_total,
            "claims": claims,
        },
    }

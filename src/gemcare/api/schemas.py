"""The API's own shapes: cart quotes in, and every response out.

Input uses the common field types (`gemcare.common.schemas`), so a cart is checked exactly
as any other input; responses give amounts as strings with two decimals and dates in ISO 8601.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ModelWrapValidatorHandler,
    StrictBool,
    WithJsonSchema,
    model_validator,
)

from gemcare.api.models import QuoteItem
from gemcare.common.errors import CommonError, InvalidInput
from gemcare.common.schemas import (
    Day,
    InputSchema,
    Money,
    PastDay,
    PositiveMoney,
    _day,
    bounded_int,
    bounded_list,
    code,
    email,
    invalid,
    max_length_of,
    text,
)
from gemcare.contracts import models as _contract_models
from gemcare.contracts import schemas as _contract_schemas
from gemcare.partners.models import Store
from gemcare.rules import vocabulary

# What a point of sale may put in a cart: any jewelry, including what no plan covers today
# (loose stones, custom work), so the answer can say why it is not offered.
CART_ITEM_KINDS = vocabulary.ITEM_KINDS | vocabulary.INSURANCE_ITEM_KINDS | {"custom_work"}
MAX_CART_ITEMS = 100


def _two_decimals(value: object) -> str:
    return f"{Decimal(value):.2f}" if isinstance(value, Decimal | int) else value


MoneyOut = Annotated[str, BeforeValidator(_two_decimals)]
"""An amount in a response: a string with two decimals, e.g. "85.00"."""

# The API reads amounts as its document describes them, exactly: a string of digits with at
# most two decimals, no sign, exponent, spaces or leading zeros. (The common `Money` also
# takes the forms files and forms use, which an OpenAPI pattern cannot say.)
_AMOUNT = r"(?:[1-9]\d{0,9}|0)(?:\.\d{1,2})?"
_POSITIVE_AMOUNT = r"(?:[1-9]\d{0,9}(?:\.\d{1,2})?|0\.(?:0[1-9]|[1-9]\d?))"


def _amount_text(pattern: str):
    def check(value: object) -> object:
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            raise invalid('must be an amount given as a string such as "85.00"')
        return value

    return check


ApiMoney = Annotated[
    Money,
    BeforeValidator(_amount_text(_AMOUNT)),
    WithJsonSchema({"type": "string", "pattern": f"^{_AMOUNT}$", "examples": ["85.00"]}),
]
"""An amount the API reads: "0.00" and up, as a string."""
ApiPositiveMoney = Annotated[
    PositiveMoney,
    BeforeValidator(_amount_text(_POSITIVE_AMOUNT)),
    WithJsonSchema({"type": "string", "pattern": f"^{_POSITIVE_AMOUNT}$", "examples": ["85.00"]}),
]
"""An amount the API reads that must be more than zero, as a string."""


def _not_empty(value: str) -> str:
    if not value:
        raise invalid("must not be empty")
    return value


FilterEmail = Annotated[email(), AfterValidator(_not_empty)]
FilterDay = Annotated[
    dt.date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-03-01"]}),
]
"""A date to filter by: any real date (a filter cannot store anything out of range)."""


# --- answers ---------------------------------------------------------------------------------


class MappingOut(Schema):
    """An answer the endpoint builds as a mapping of plain values (strings, numbers, dates,
    lists of such mappings). ninja reads every answer through its attribute getter, made to
    turn ORM managers, querysets and callables into values; a mapping of plain values has
    none, and on a cart quote the getter on every nested line and offer cost as much as the
    rest of the answer. Anything else still goes through the getter."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info):
        if isinstance(values, Mapping):
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))


# --- errors ----------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(examples=["unauthorized"])
    message: str = Field(examples=["The request has no valid API key (Authorization: Bearer)."])
    field: str | None = Field(default=None, examples=[None])


class ErrorOut(Schema):
    error: ErrorDetail


_STATUS_WORDS = {
    400: "Malformed request",
    401: "No valid API key",
    403: "The key lacks the scope",
    404: "Not found, or not yours",
    409: "Refused in the record's present state",
    413: "Body too large",
    415: "Body is not JSON",
    422: "Invalid input",
    429: "Rate limited (see Retry-After)",
}

# Every endpoint may answer these: the key, the rate limit and the request's framing.
COMMON_ERRORS = {
    401: ["unauthorized"],
    429: ["rate_limited"],
}
BODY_ERRORS = {
    400: ["malformed_json", "bad_request"],
    413: ["payload_too_large"],
    415: ["unsupported_media_type"],
    422: ["invalid", "unknown_field"],
}


def documented(
    ok: dict[int, object],
    errors: dict[int, Iterable[str]],
    *,
    body: bool = False,
    example: dict | None = None,
) -> dict:
    """The `response` and `openapi_extra` of an endpoint: its success shapes and, for each
    error status, the error shape with every code it may carry listed in its description."""
    by_status: dict[int, list[str]] = {}
    for table in (COMMON_ERRORS, BODY_ERRORS if body else {}, errors):
        for status, codes in table.items():
            by_status.setdefault(status, [])
            by_status[status] += [c for c in codes if c not in by_status[status]]
    response = dict(ok)
    extra = {}
    for status, codes in sorted(by_status.items()):
        response[status] = ErrorOut
        listed = ", ".join(f"`{c}`" for c in codes)
        extra[status] = {
            "description": f"{_STATUS_WORDS.get(status, 'Error')}. Codes: {listed}.",
            "content": {
                "application/json": {
                    "example": {"error": {"code": codes[0], "message": "…", "field": None}}
                }
            },
        }
    openapi_extra: dict = {"responses": extra}
    if example is not None:
        openapi_extra["requestBody"] = {"content": {"application/json": {"example": example}}}
    return {"response": response, "openapi_extra": openapi_extra}


def known_filters_only(request, query: type[InputSchema]) -> None:
    """ninja reads only the query parameters it knows: one misspelt filter would silently
    widen a list, so an unknown one is refused (`unknown_field`)."""
    unknown = sorted(set(request.GET) - set(query.model_fields))
    if unknown:
        raise InvalidInput(
            unknown[0][:64], None, "is not a known field", code=CommonError.UNKNOWN_FIELD
        )


# --- products --------------------------------------------------------------------------------


class CoveredServiceOut(Schema):
    service: str = Field(examples=["prong_repair"])
    requires_water_resistant: bool = False
    max_sizes: int | None = None


class PriceBandOut(Schema):
    low: MoneyOut = Field(examples=["25.00"])
    high: MoneyOut = Field(examples=["499.99"])
    price: MoneyOut = Field(examples=["39.00"])


class ProductOut(Schema):
    code: str = Field(examples=["care-jewelry-3yr"])
    name: str
    version: int
    term_years: int | None = Field(description="Empty for a lifetime plan.")
    item_kinds: list[str]
    services: dict[str, list[CoveredServiceOut]] = Field(
        description="The covered services of each item kind."
    )
    price_bands: list[PriceBandOut]


class ProductsOut(Schema):
    products: list[ProductOut]


# --- quotes ----------------------------------------------------------------------------------


class CartItemIn(InputSchema):
    line_id: text(max_length_of(QuoteItem, "line_id"), min_length=1) = Field(
        description="The POS's own id of the cart line; a sale names it with the quote id.",
        examples=["1"],
    )
    kind: code(CART_ITEM_KINDS, "item kind") = Field(examples=["ring"])
    price: ApiPositiveMoney = Field(description="The item's price after discounts.")
    sku: text(max_length_of(QuoteItem, "sku")) = ""
    description: text(max_length_of(QuoteItem, "description")) = ""
    water_resistant: StrictBool = False


class CartQuoteIn(InputSchema):
    holder_state: code(vocabulary.US_STATES, "US state") = Field(examples=["TX"])
    items: bounded_list(CartItemIn, max_items=MAX_CART_ITEMS)


class OfferOut(MappingOut):
    product: str = Field(examples=["care-jewelry-3yr"])
    product_name: str
    version: int
    plan_price: MoneyOut = Field(examples=["99.00"])
    term_years: int | None


class NoOfferOut(MappingOut):
    product: str
    code: str = Field(examples=["item_kind_not_covered"])
    message: str


class QuoteItemOut(MappingOut):
    line_id: str
    kind: str
    price: MoneyOut
    offers: list[OfferOut]
    not_offered: list[NoOfferOut] = Field(description="Each product that does not offer a plan.")


class QuoteOut(MappingOut):
    id: str = Field(examples=["qt_3k9f0c2m1x8z7a6b5n4v"])
    expires_at: dt.datetime
    holder_state: str
    is_test: bool
    items: list[QuoteItemOut]


# --- contracts -------------------------------------------------------------------------------


def _cursor_text(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{0,18}", value):
        raise invalid("is not a cursor this API gave out")
    return value


CONTRACT_STATUSES = [status for status, _ in _contract_models.STATUSES]
PAGE_MAX = 100


Cursor = Annotated[
    str,
    BeforeValidator(_cursor_text),
    WithJsonSchema(
        {"type": "string", "pattern": "^[0-9]{0,18}$", "description": "next_cursor of a page"}
    ),
]


class ContractsQuery(InputSchema):
    receipt_number: text(max_length_of(_contract_models.Contract, "receipt_number")) = ""
    holder_email: FilterEmail | None = None
    holder_phone: text(max_length_of(_contract_models.Holder, "phone")) = ""
    status: code(CONTRACT_STATUSES, "contract status") | None = None
    store: text(max_length_of(Store, "code")) = ""
    sold_from: FilterDay | None = None
    sold_to: FilterDay | None = None
    limit: bounded_int(1, PAGE_MAX) = 50
    cursor: Cursor = ""


class ItemOut(Schema):
    kind: str = Field(examples=["ring"])
    description: str
    price: MoneyOut = Field(examples=["1250.00"])
    serial: str
    water_resistant: bool
    is_gift: bool


class ContractSummaryOut(Schema):
    number: str = Field(examples=["C4HJ8T2WN"])
    status: str = Field(examples=["active"])
    product: str
    product_version: int
    store: str
    receipt_number: str
    receipt_line: int
    sold_on: dt.date
    plan_price: MoneyOut
    item: ItemOut
    holder_name: str
    is_test: bool


class ContractsPageOut(Schema):
    contracts: list[ContractSummaryOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class HolderOut(Schema):
    name: str
    email: str
    phone: str
    state: str


class CoverageOut(Schema):
    starts_on: dt.date | None = Field(description="Null while a layaway waits for pickup.")
    ends_on: dt.date | None = Field(
        description="First day no longer covered; null for lifetime, or before pickup."
    )
    lifetime: bool
    causes: list[str]
    services: list[CoveredServiceOut] = Field(description="Covered for this item's kind.")


class ClaimSummaryOut(Schema):
    number: str
    status: str
    filed_on: dt.date
    incident_on: dt.date
    approved: MoneyOut


class ClaimsSummaryOut(Schema):
    count: int
    open: int
    approved_total: MoneyOut
    claims: list[ClaimSummaryOut]


class ContractOut(ContractSummaryOut):
    holder: HolderOut
    coverage: CoverageOut
    remaining_limit: MoneyOut | None = Field(
        description="What the plan may still pay in all; null when the plan has no such limit."
    )
    claims: ClaimsSummaryOut


class LinksOut(Schema):
    refund_quote: str = Field(examples=["/api/v1/contracts/C4HJ8T2WN/refund-quote"])
    certificate: str = Field(examples=["/api/v1/contracts/C4HJ8T2WN/certificate.pdf"])


class ContractDetailOut(ContractOut):
    links: LinksOut


# --- cancelling, returning, transferring, picking up ----------------------------------------


class RefundQuoteQuery(InputSchema):
    date: Day | None = Field(
        default=None, description="The cancellation date to work out; today when not given."
    )
    reason: code(vocabulary.HOLDER_CANCELLATION_REASONS, "cancellation reason") | None = None


class ReasonOut(Schema):
    code: str = Field(examples=["prorated"])
    words: str


class LatePenaltyOut(Schema):
    paid_on: dt.date = Field(description="Paid on this day…")
    days_late: int
    percent: int = Field(examples=[10], description="…the refund carries this much more…")
    penalty: MoneyOut
    total: MoneyOut = Field(description="…and this is paid in all.")


class RefundQuoteOut(Schema):
    contract: str
    date: dt.date = Field(description="The cancellation date worked out.")
    status_after: str = Field(
        examples=["cancelled"], description="`voided` in the free look, else `cancelled`."
    )
    refund: MoneyOut = Field(examples=["52.36"])
    unearned: MoneyOut
    unearned_factor: str = Field(examples=["1.0000"], description="The state's factor (§5.1).")
    services_deducted: MoneyOut
    days_left: int
    days_total: int
    state: str = Field(examples=["GA"], description="The holder's state at sale.")
    state_rule: str | None = Field(
        examples=[None], description="The state whose variation applied; null for the base rule."
    )
    reasons: list[ReasonOut]
    due_on: dt.date = Field(description="The refund is due then; paid later, it carries more.")
    late_penalties: list[LatePenaltyOut] = Field(
        description="What a refund paid late carries: the last day of each of the first periods."
    )
    claim_in_review: bool = Field(
        description="True: a claim awaits review, and a cancellation is refused until it is done."
    )


class HolderCancellationIn(InputSchema):
    date: PastDay = Field(description="The day the holder cancels: today or earlier.")
    reason: code(vocabulary.HOLDER_CANCELLATION_REASONS, "cancellation reason") | None = Field(
        default=None,
        description="`duplicate_warranty`: a warranty gives the same coverage (full refund).",
    )


class DateIn(InputSchema):
    date: PastDay = Field(description="The day it happened: today or earlier.")


class TransferToIn(InputSchema):
    date: PastDay = Field(description="The day the new holder takes the plan.")
    holder: _contract_schemas.HolderIn


class CancellationOut(Schema):
    contract: str
    contract_status: str = Field(examples=["voided"])
    date: dt.date
    by: str = Field(examples=["holder"])
    reason: str = Field(examples=["item_returned"])
    refund: MoneyOut = Field(examples=["69.00"])
    unearned: MoneyOut
    unearned_factor: str = Field(examples=["1.0000"])
    services_deducted: MoneyOut
    due_on: dt.date
    explanation: list[str]

"""POST /api/v1/contracts: register a plan sale, safely retried under an Idempotency-Key.

The operation lives on the contracts router (one path, several methods: ninja serves a path
from one router only). The sale itself is `contract_sell`, with the key's caller and mode;
its answer, a refusal included, is kept per key and replayed on a retry
(`gemcare.api.idempotent`).
"""

from django.http import HttpRequest
from ninja import Field, Header, Schema
from pydantic import model_validator

from gemcare.api.auth import require_scope, scoped
from gemcare.api.idempotent import IdempotencyKeyHeader, idempotent_response
from gemcare.api.models import Quote, QuoteItem
from gemcare.api.routers.contracts import router
from gemcare.api.schemas import documented
from gemcare.api.selectors import quote_price_for
from gemcare.common.idempotency import HEADER, StoredResponse
from gemcare.common.schemas import PositiveMoney, invalid, max_length_of, text
from gemcare.contracts.models import Contract
from gemcare.contracts.schemas import HolderIn, SaleIn
from gemcare.contracts.services import contract_sell, sale_reads, sale_store_get
from gemcare.partners.models import ApiKey, Store

SALE_EXAMPLE = {
    "store": "main-street",
    "receipt_number": "R-20240301-0042",
    "receipt_line": 2,
    "purchased": "2024-03-01",
    "product": "care-jewelry-3yr",
    "plan_price": "69.00",
    "item": {
        "kind": "ring",
        "price": "600.00",
        "description": "14k gold ring, 0.5 ct diamond",
        "serial": "SKU-4411",
    },
    "holder": {"name": "Ada Holder", "state": "TX", "email": "ada@example.com"},
}


SALE_KEY = Header(
    alias=HEADER,
    description="Required: the same value on every retry of this sale (1 to 255 characters). "
    "Kept 48 hours: a retry replays the first answer.",
)


class ContractSaleIn(SaleIn):
    """A plan sale as a point of sale registers it: the domain's sale, with the store it was
    made in, the price charged, and optionally the quote it was made against."""

    model_config = {**SaleIn.model_config, "json_schema_extra": {"examples": [SALE_EXAMPLE]}}

    store: text(max_length_of(Store, "code"), min_length=1) = Field(
        description="The store's code.", examples=["main-street"]
    )
    holder: HolderIn
    plan_price: PositiveMoney = Field(
        description="The plan price charged: it must be the band price (else price_mismatch).",
        examples=["69.00"],
    )
    quote_id: text(max_length_of(Quote, "public_id"), min_length=1) | None = Field(
        default=None, description="The cart quote the sale was made against, if any."
    )
    quote_line: text(max_length_of(QuoteItem, "line_id"), min_length=1) | None = Field(
        default=None, description="The quote's line id of the item; required with quote_id."
    )

    @model_validator(mode="after")
    def _quote_with_its_line(self):
        if (self.quote_id is None) != (self.quote_line is None):
            raise invalid("quote_id and quote_line are given together", code="quote_line_required")
        return self


class SaleItemOut(Schema):
    kind: str = Field(examples=["ring"])
    price: str = Field(examples=["600.00"])
    description: str
    serial: str
    water_resistant: bool
    gift: bool
    sold_on: str = Field(examples=["2024-03-01"])


class SaleOut(Schema):
    number: str = Field(examples=["C7K2M9QXA"])
    status: str = Field(examples=["active"])
    is_test: bool
    store: str = Field(examples=["main-street"])
    receipt_number: str
    receipt_line: int
    product: str = Field(examples=["care-jewelry-3yr"])
    product_version: int
    plan_price: str = Field(examples=["69.00"])
    purchased_on: str = Field(examples=["2024-03-01"])
    term_ends_on: str | None = Field(
        examples=["2027-03-01"], description="First day no longer covered; empty for lifetime."
    )
    item: SaleItemOut


def sale_out(contract: Contract, store: Store, product: str) -> dict:
    return {
        "number": contract.number,
        "status": contract.status,
        "is_test": contract.is_test,
        "store": store.code,
        "receipt_number": contract.receipt_number,
        "receipt_line": contract.receipt_line,
        "product": product,
        "product_version": contract.product_version.number,
        "plan_price": str(contract.plan_price),
        "purchased_on": contract.purchased_on.isoformat(),
        "term_ends_on": contract.term_ends_on.isoformat() if contract.term_ends_on else None,
        "item": {
            "kind": contract.item_kind,
            "price": str(contract.item_price),
            "description": contract.item_description,
            "serial": contract.item_serial,
            "water_resistant": contract.item_water_resistant,
            "gift": contract.item_is_gift,
            "sold_on": contract.item_sold_on.isoformat(),
        },
    }


@router.post(
    "",
    summary="Register a plan sale",
    operation_id="contracts_create",
    auth=scoped(ApiKey.SALES),
    **documented(
        {201: SaleOut},
        {
            403: ["scope_missing"],
            404: ["store_not_found", "quote_not_found"],
            409: [
                "duplicate_sale",
                "idempotency_in_flight",
                "quote_expired",
                "not_quoted",
                "item_kind_not_covered",
                "price_below_bands",
                "price_above_bands",
            ],
            422: [
                "idempotency_key_required",
                "idempotency_key_reused",
                "unknown_product",
                "price_mismatch",
                "quote_line_required",
                "gift_recipient_without_gift",
                "quote_line_unknown",
                "sold_after_purchase",
                "plan_must_be_sold_with_item",
            ],
        },
        body=True,
    ),
)
def contracts_create(
    request: HttpRequest,
    sale: ContractSaleIn,
    idempotency_key: IdempotencyKeyHeader = SALE_KEY,
):
    """Register the sale of a plan on one item of a receipt line. A second live plan on the
    same retailer's receipt number and line is refused (`duplicate_sale`), with or without
    the header; a test key's sale is a test record. A retry with the same Idempotency-Key
    and body replays the first answer with `Idempotent-Replayed: true`."""
    auth = require_scope(request, ApiKey.SALES)
    caller = auth.caller

    def sell() -> StoredResponse:
        store = sale_store_get(caller=caller, code=sale.store)
        quoted = None
        if sale.quote_id is not None:
            quoted = quote_price_for(
                caller=caller,
                quote_id=sale.quote_id,
                line_id=sale.quote_line,
                product=sale.product,
                is_test=auth.is_test,
            )
        contract = contract_sell(
            caller=caller, store=store, sale=sale, is_test=auth.is_test, quoted_price=quoted
        )
        return StoredResponse(
            201,
            sale_out(contract, store, sale.product),
            {"Location": f"/api/v1/contracts/{contract.number}"},
        )

    # What the sale reads, read with the key's claim: one round trip, not four.
    reads = sale_reads(caller=caller, store_code=sale.store)
    return idempotent_response(request, auth, idempotency_key, sell, required=True, reads=reads)

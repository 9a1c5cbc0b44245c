from django.http import HttpRequest
from ninja import Router, Status

from gemcare.api.auth import require_scope, scoped
from gemcare.api.schemas import CartQuoteIn, QuoteOut, documented
from gemcare.api.services import cart_quote
from gemcare.partners.models import ApiKey

router = Router(tags=["quotes"])

CART_EXAMPLE = {
    "holder_state": "TX",
    "items": [
        {"line_id": "1", "kind": "ring", "price": "1250.00", "sku": "R-1001"},
        {"line_id": "2", "kind": "loose_stone", "price": "3000.00"},
    ],
}


@router.post(
    "",
    summary="Quote a whole cart",
    operation_id="quotes_create",
    auth=scoped(ApiKey.QUOTES),
    **documented(
        {201: QuoteOut},
        {403: ["scope_missing"], 409: ["duplicate_line_id"]},
        body=True,
        example=CART_EXAMPLE,
    ),
)
def quotes_create(request: HttpRequest, cart: CartQuoteIn):
    """Every line of the cart against every plan on sale: the offers (product, plan price,
    term) or, per product, the reason there is none. The quote is kept until `expires_at`;
    a sale that names the quote id and line id must charge the quoted plan price."""
    auth = require_scope(request, ApiKey.QUOTES)
    quote, items = cart_quote(caller=auth.caller, cart=cart, is_test=auth.is_test, api_key=auth.key)
    return Status(
        201,
        {
            "id": quote.public_id,
            "expires_at": quote.expires_at,
            "holder_state": quote.holder_state,
            "is_test": quote.is_test,
            "items": items,
        },
    )

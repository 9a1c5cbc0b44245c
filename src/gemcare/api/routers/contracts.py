from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from gemcare.api.auth import api_caller
from gemcare.api.schemas import (
    ContractDetailOut,
    ContractsPageOut,
    ContractsQuery,
    documented,
    known_filters_only,
)
from gemcare.api.selectors import contract_detail, contracts_page
from gemcare.contracts.certificates import certificate_pdf

router = Router(tags=["contracts"])


def contract_summary(contract) -> dict:
    return {
        "number": contract.number,
        "status": contract.status,
        "product": contract.product_version.product.code,
        "product_version": contract.product_version.number,
        "store": contract.store.code,
        "receipt_number": contract.receipt_number,
        "receipt_line": contract.receipt_line,
        "sold_on": contract.purchased_on,
        "plan_price": contract.plan_price,
        "item": {
            "kind": contract.item_kind,
            "description": contract.item_description,
            "price": contract.item_price,
            "serial": contract.item_serial,
            "water_resistant": contract.item_water_resistant,
            "is_gift": contract.item_is_gift,
        },
        "holder_name": contract.holder.name,
        "is_test": contract.is_test,
    }


@router.get(
    "",
    summary="The retailer's contracts",
    operation_id="contracts_list",
    **documented({200: ContractsPageOut}, {422: ["invalid", "unknown_field"]}),
)
def contracts_list(request: HttpRequest, filters: Query[ContractsQuery]):
    """The contracts this key may see, newest first, `limit` (at most 100) a page; pass
    `next_cursor` back as `cursor` for the next. A test key sees only test contracts, a
    live key only live ones; a key limited to a store, only that store's."""
    auth = api_caller(request)
    known_filters_only(request, ContractsQuery)
    rows, next_cursor = contracts_page(caller=auth.caller, filters=filters, is_test=auth.is_test)
    return {"contracts": [contract_summary(row) for row in rows], "next_cursor": next_cursor}


@router.get(
    "/{number}",
    summary="One contract",
    operation_id="contracts_get",
    **documented({200: ContractDetailOut}, {404: ["contract_not_found"]}),
)
def contracts_get(request: HttpRequest, number: str):
    """The item, holder, status, coverage, what the plan may still pay, its claims, and
    links to its refund quote and certificate. Another retailer's contract answers exactly
    like one that does not exist."""
    auth = api_caller(request)
    found = contract_detail(caller=auth.caller, number=number, is_test=auth.is_test)
    contract = found["contract"]
    holder = contract.holder
    return {
        **contract_summary(contract),
        "holder": {
            "name": holder.name,
            "email": holder.email,
            "phone": holder.phone,
            "state": holder.state,
        },
        "coverage": found["coverage"],
        "remaining_limit": found["remaining_limit"],
        "claims": found["claims"],
        "links": {
            "refund_quote": f"/api/v1/contracts/{contract.number}/refund-quote",
            "certificate": f"/api/v1/contracts/{contract.number}/certificate.pdf",
        },
    }


CERTIFICATE_SPEC = documented({200: None}, {404: ["contract_not_found"]})
CERTIFICATE_SPEC["openapi_extra"]["responses"][200] = {
    "description": "The certificate, with its verification code and QR code.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get(
    "/{number}/certificate.pdf",
    summary="The plan certificate (PDF)",
    operation_id="contracts_certificate",
    **CERTIFICATE_SPEC,
)
def contracts_certificate(request: HttpRequest, number: str):
    """The printable certificate of the plan: holder, item, receipt, product and term, the
    covered services for the item's kind, exclusions, how to claim, the state notice, and a
    verification code with its QR code for the public /verify page."""
    auth = api_caller(request)
    pdf = certificate_pdf(caller=auth.caller, number=number, is_test=auth.is_test)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{number}.pdf"'
    response["Cache-Control"] = "no-store, private"
    return response

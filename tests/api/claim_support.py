"""What the claim endpoints' tests share: contracts in each mode, bodies, and the shapes."""

from factories import SYSTEM, row_counts, sale_in, sell, snapshot

from gemcare.claims.models import Claim
from gemcare.common.models import IdempotencyKey
from gemcare.contracts.services import contract_sell

ROW_KEYS = {
    "number",
    "contract",
    "store",
    "is_test",
    "status",
    "filed_on",
    "incident_on",
    "cause",
    "channel",
    "decision",
    "reason_code",
    "approved",
    "holder_share",
    "remaining_limit",
    "fulfilment",
    "needs_review",
    "review_open",
    "review_requested_on",
    "route",
    "repair_center",
}
CLAIM_KEYS = ROW_KEYS | {"reason_words", "repairable", "maintenance_done", "lines", "reimbursement"}
LINE_KEYS = {
    "service",
    "estimated_cost",
    "sizes",
    "result",
    "approved",
    "reason_code",
    "reason_words",
}
REIMBURSEMENT_KEYS = {"actual_cost", "reimbursed", "completed_on", "invoice_number"}
ERROR_KEYS = {"code", "message", "field"}

PRONG = {"service": "prong_repair", "cost": "85.00"}


def claim_body(contract, *lines, **changes) -> dict:
    """A claim as a point of sale files it: filed 2024-06-10 on a sale of 2024-03-01."""
    body = {
        "contract": contract if isinstance(contract, str) else contract.number,
        "incident": "2024-06-01",
        "filed": "2024-06-10",
        "cause": "wear_and_tear",
        "lines": list(lines) or [PRONG],
    }
    body.update(changes)
    return body


def sandbox_contract(store, product="ljpp-lifetime", price="1200.00", **changes):
    """A contract sold with a test key (a test record)."""
    sale = sale_in(product, store.state, price)
    if changes:
        sale = sale.model_copy(update=changes)
    return contract_sell(caller=SYSTEM, store=store, sale=sale, is_test=True)


def layaway(store, product="ljpp-lifetime", price="1200.00"):
    """A layaway sale: registered, waiting for the item's pickup."""
    sale = sale_in(product, store.state, price).model_copy(update={"pending_pickup": True})
    return contract_sell(caller=SYSTEM, store=store, sale=sale)


def live_contract(store, product="ljpp-lifetime", price="1200.00", **item):
    return sell(product, store.state, price, store=store, **item)


def everything() -> dict:
    return {**row_counts(), "IdempotencyKey": IdempotencyKey.objects.count()}


def claim_state(number: str) -> tuple:
    """A claim, its contract and every table's count: equal before and after a refusal."""
    claim = Claim.objects.get(number=number)
    return snapshot(claim), snapshot(claim.contract), everything()


def file_ok(api, contract, *lines, **changes) -> dict:
    response = api.post("/claims", claim_body(contract, *lines, **changes))
    assert response.status_code == 201, response.content
    return response.json()


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    return body["error"]

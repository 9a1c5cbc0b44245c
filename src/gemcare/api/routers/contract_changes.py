"""Changes on a sold contract: the refund quote, cancellations, returns, transfers, pickup.

On the contracts router (ninja serves a path from one router only). Each endpoint finds the
contract through the key's caller and mode, then calls the one service that makes the change;
the refund is worked out by the rules core, never here. The POSTs take an optional
`Idempotency-Key`: a retry with the same key and body replays the first answer.
"""

from django.http import HttpRequest
from ninja import Header, Query

from gemcare.api.auth import api_caller, require_scope, scoped
from gemcare.api.idempotent import OptionalIdempotencyKeyHeader, idempotent_response
from gemcare.api.routers.contracts import contract_summary, router
from gemcare.api.schemas import (
    CancellationOut,
    ContractSummaryOut,
    DateIn,
    HolderCancellationIn,
    RefundQuoteOut,
    RefundQuoteQuery,
    TransferToIn,
    documented,
    known_filters_only,
)
from gemcare.common.clock import today
from gemcare.common.idempotency import HEADER, StoredResponse
from gemcare.contracts import schemas as domain
from gemcare.contracts.models import Cancellation
from gemcare.contracts.selectors import contract_get, refund_preview
from gemcare.contracts.services import (
    contract_cancel,
    contract_pickup,
    contract_return,
    contract_transfer,
)
from gemcare.partners.models import ApiKey

IDEMPOTENCY_KEY = Header(
    default=None,
    alias=HEADER,
    description="Optional: the same value on every retry of this change; a retry replays "
    "the first answer.",
)
# The scope is checked before the body is read: a key that may not make the change is not
# answered field by field.
SALES_KEY = scoped(ApiKey.SALES)
REFUSED_CHANGE = ["contract_not_active", "out_of_order", "claim_in_review"]


def change_documented(ok: dict, refusals: list[str], example: dict) -> dict:
    """What a change on a contract may answer: its success (`ok`), the key's scope, the
    contract not found, the change's own refusals (409) and the Idempotency-Key's."""
    return documented(
        ok,
        {
            403: ["scope_missing"],
            404: ["contract_not_found"],
            409: [*refusals, "idempotency_in_flight"],
            422: ["idempotency_key_reused"],
        },
        body=True,
        example=example,
    )


def cancellation_out(cancellation: Cancellation) -> dict:
    contract = cancellation.contract
    return {
        "contract": contract.number,
        "contract_status": contract.status,
        "date": cancellation.cancel_on.isoformat(),
        "by": cancellation.by,
        "reason": cancellation.reason,
        "refund": str(cancellation.refund),
        "unearned": str(cancellation.unearned),
        "unearned_factor": str(cancellation.unearned_factor),
        "services_deducted": str(cancellation.services_deducted),
        "due_on": cancellation.due_on.isoformat(),
        "explanation": cancellation.explanation,
    }


def _summary_answer(contract, status: int = 200) -> StoredResponse:
    # Through the schema, so a stored answer has the same shape (and date format) as a fresh one.
    return StoredResponse(
        status,
        ContractSummaryOut.model_validate(contract_summary(contract)).model_dump(mode="json"),
    )


@router.get(
    "/{number}/refund-quote",
    summary="What a cancellation would refund",
    operation_id="contracts_refund_quote",
    **documented(
        {200: RefundQuoteOut},
        {
            404: ["contract_not_found"],
            409: ["contract_not_active", "out_of_order"],
            422: ["invalid", "unknown_field"],
        },
    ),
)
def contracts_refund_quote(request: HttpRequest, number: str, query: Query[RefundQuoteQuery]):
    """The refund the holder would get by cancelling on `date` (today when not given), worked
    out exactly as the cancellation does: unearned part, the state's rule, services deducted,
    the due date and what a late payment adds. Nothing is written."""
    auth = api_caller(request)
    known_filters_only(request, RefundQuoteQuery)
    preview = refund_preview(
        caller=auth.caller,
        number=number,
        cancel_on=query.date or today(),
        reason=query.reason,
        is_test=auth.is_test,
    )
    decision = preview.decision
    return {
        "contract": preview.contract.number,
        "date": preview.cancel_on,
        "status_after": decision.status,
        "refund": decision.refund,
        "unearned": decision.unearned,
        "unearned_factor": f"{decision.unearned_factor:.4f}",
        "services_deducted": decision.services_deducted,
        "days_left": decision.days_left,
        "days_total": decision.days_total,
        "state": preview.contract.state_at_sale,
        "state_rule": decision.state_rule,
        "reasons": [{"code": said.code, "words": said.words} for said in decision.reasons],
        "due_on": preview.due_on,
        "late_penalties": [
            {
                "paid_on": paid_on,
                "days_late": penalty.days_late,
                "percent": penalty.percent,
                "penalty": penalty.penalty,
                "total": decision.refund + penalty.penalty,
            }
            for paid_on, penalty in preview.late_payments
        ],
        "claim_in_review": preview.claim_in_review,
    }


def _change(request: HttpRequest, number: str, key: str | None, work) -> object:
    """A change on the key's contract `number` by a key with the `sales` scope, retried
    safely under its Idempotency-Key: `work(caller, contract)` makes it."""
    auth = require_scope(request, ApiKey.SALES)

    def found_then_changed() -> StoredResponse:
        contract = contract_get(caller=auth.caller, number=number, is_test=auth.is_test)
        return work(auth.caller, contract)

    return idempotent_response(request, auth, key, found_then_changed)


@router.post(
    "/{number}/cancellations",
    summary="Cancel a plan for its holder",
    operation_id="contracts_cancel",
    auth=SALES_KEY,
    **change_documented(
        {201: CancellationOut}, REFUSED_CHANGE, {"date": "2026-03-01", "reason": None}
    ),
)
def contracts_cancel(
    request: HttpRequest,
    number: str,
    cancellation: HolderCancellationIn,
    idempotency_key: OptionalIdempotencyKeyHeader = IDEMPOTENCY_KEY,
):
    """The holder cancels (through the store). The refund is the one the refund quote shows
    for that date: full in the free look (the plan is then `voided`), else the unearned part
    by the product's terms and the holder's state, less services received."""

    def cancel(caller, contract) -> StoredResponse:
        made = contract_cancel(
            caller=caller,
            contract=contract,
            cancellation=domain.CancellationIn.model_construct(
                by="holder", reason=cancellation.reason, date=cancellation.date, notice=None
            ),
        )
        return StoredResponse(201, cancellation_out(made))

    return _change(request, number, idempotency_key, cancel)


@router.post(
    "/{number}/returns",
    summary="The item came back in the free look",
    operation_id="contracts_return",
    auth=SALES_KEY,
    **change_documented(
        {201: CancellationOut}, [*REFUSED_CHANGE, "free_look_over"], {"date": "2026-03-01"}
    ),
)
def contracts_return(
    request: HttpRequest,
    number: str,
    item_return: DateIn,
    idempotency_key: OptionalIdempotencyKeyHeader = IDEMPOTENCY_KEY,
):
    """The customer returned the item: in the free look with no services received (or
    before a layaway's pickup) the plan is `voided` with a full refund, and the receipt line
    may be sold again. Outside it, `free_look_over`: cancel the plan instead."""

    def give_back(caller, contract) -> StoredResponse:
        made = contract_return(
            caller=caller,
            contract=contract,
            item_return=domain.ReturnIn.model_construct(date=item_return.date),
        )
        return StoredResponse(201, cancellation_out(made))

    return _change(request, number, idempotency_key, give_back)


@router.post(
    "/{number}/transfers",
    summary="Transfer a plan to a new holder",
    operation_id="contracts_transfer",
    auth=SALES_KEY,
    **change_documented(
        {200: ContractSummaryOut},
        ["contract_not_active", "out_of_order", "not_transferable"],
        {"date": "2026-03-01", "holder": {"name": "Ben Holder", "state": "TX"}},
    ),
)
def contracts_transfer(
    request: HttpRequest,
    number: str,
    transfer: TransferToIn,
    idempotency_key: OptionalIdempotencyKeyHeader = IDEMPOTENCY_KEY,
):
    """The plan passes to a new holder from `date`; the history of holders is kept. A
    lifetime plan does not transfer, except once to the recipient of an item sold as a gift."""

    def hand_over(caller, contract) -> StoredResponse:
        changed = contract_transfer(
            caller=caller,
            contract=contract,
            transfer=domain.TransferIn.model_construct(date=transfer.date, holder=transfer.holder),
        )
        return _summary_answer(changed)

    return _change(request, number, idempotency_key, hand_over)


@router.post(
    "/{number}/pickup",
    summary="A layaway item was picked up",
    operation_id="contracts_pickup",
    auth=SALES_KEY,
    **change_documented(
        {200: ContractSummaryOut}, ["not_pending_pickup", "out_of_order"], {"date": "2026-03-15"}
    ),
)
def contracts_pickup(
    request: HttpRequest,
    number: str,
    pickup: DateIn,
    idempotency_key: OptionalIdempotencyKeyHeader = IDEMPOTENCY_KEY,
):
    """A sale registered with `pending_pickup: true` is picked up: the plan becomes
    `active`, and its coverage, free look and term start on `date` (`sold_on` becomes the
    pickup date). Staff never register the plan again at pickup."""

    def picked_up(caller, contract) -> StoredResponse:
        changed = contract_pickup(
            caller=caller,
            contract=contract,
            pickup=domain.PickupIn.model_construct(date=pickup.date),
        )
        return _summary_answer(changed)

    return _change(request, number, idempotency_key, picked_up)

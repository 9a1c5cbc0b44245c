"""/api/v1/claims: file a claim and read its decision, follow claims, record the work.

Thin over the claims app: `claim_file` decides (the answer carries the decision with every
line's reason), `claim_route` records where the work is done, `claim_fulfil` completes it
and reimburses. Every endpoint needs the `claims` scope and sees only the key's claims, in
the key's mode: another retailer's claim, another store's (for a store key) and a live one
for a test key all answer `claim_not_found`, exactly like a number that does not exist.

Filing may carry an `Idempotency-Key`, kept and replayed as for a sale
(`gemcare.api.idempotent`); without one, `claim_open` already keeps a second filing from
landing.
"""

from django.http import HttpRequest
from ninja import Header, Query, Router, Status

from gemcare.api.auth import api_caller, scoped
from gemcare.api.claim_schemas import (
    CLAIM_EXAMPLE,
    COMPLETION_EXAMPLE,
    ROUTE_EXAMPLE,
    ApiClaimIn,
    ClaimOut,
    ClaimsPageOut,
    ClaimsQuery,
    CompletionIn,
    CompletionOut,
)
from gemcare.api.idempotent import OptionalIdempotencyKeyHeader, idempotent_response
from gemcare.api.schemas import documented, known_filters_only
from gemcare.api.selectors import cursor_of, cursor_read
from gemcare.claims.models import Claim
from gemcare.claims.schemas import RouteIn
from gemcare.claims.selectors import claim_get, claim_lines, claim_reason_words, claims_page
from gemcare.claims.services import claim_file, claim_fulfil, claim_route
from gemcare.common.idempotency import HEADER, StoredResponse
from gemcare.contracts.selectors import contract_get
from gemcare.partners.models import ApiKey

router = Router(tags=["claims"])

CLAIM_NOT_FOUND = {404: ["claim_not_found"]}
FILING_KEY = Header(
    default=None,
    alias=HEADER,
    description="Optional: the same value on every retry of this filing (1 to 255 "
    "characters). Kept 48 hours: a retry replays the first answer.",
)


def _reimbursement_out(reimbursement) -> dict:
    return {
        "actual_cost": reimbursement.actual_cost,
        "reimbursed": reimbursement.amount,
        "completed_on": reimbursement.completed_on,
        "invoice_number": reimbursement.invoice_number,
    }


def claim_row(claim: Claim) -> dict:
    contract = claim.contract
    return {
        "number": claim.number,
        "contract": contract.number,
        "store": contract.store.code,
        "is_test": contract.is_test,
        "status": claim.status,
        "filed_on": claim.filed_on,
        "incident_on": claim.incident_on,
        "cause": claim.cause,
        "channel": claim.channel,
        "decision": claim.decision,
        "reason_code": claim.reason_code or None,
        "approved": claim.approved,
        "holder_share": claim.holder_share,
        "remaining_limit": claim.remaining_limit,
        "fulfilment": claim.fulfilment or None,
        "needs_review": claim.needs_review,
        "review_open": claim.review_open,
        "review_requested_on": claim.review_requested_on,
        "route": claim.route or None,
        "repair_center": claim.repair_center.code if claim.repair_center_id else None,
    }


def claim_out(claim: Claim) -> dict:
    lines = claim_lines(claim)
    reimbursement = getattr(claim, "reimbursement", None)
    return {
        **claim_row(claim),
        "reason_words": claim_reason_words(claim, lines),
        "repairable": claim.repairable,
        "maintenance_done": claim.maintenance_done,
        "lines": [
            {
                "service": line.service,
                "estimated_cost": line.estimated_cost,
                "sizes": line.sizes,
                "result": line.result,
                "approved": line.approved,
                "reason_code": line.reason_code,
                "reason_words": line.reason_words,
            }
            for line in lines
        ],
        "reimbursement": _reimbursement_out(reimbursement) if reimbursement else None,
    }


@router.post(
    "",
    summary="File a claim and get its decision",
    operation_id="claims_create",
    auth=scoped(ApiKey.CLAIMS),
    **documented(
        {201: ClaimOut},
        {
            403: ["scope_missing"],
            404: ["contract_not_found"],
            409: ["claim_open", "not_picked_up", "out_of_order", "idempotency_in_flight"],
            422: [
                "incident_after_filing",
                "estimates_too_large",
                "idempotency_key_required",
                "idempotency_key_reused",
            ],
        },
        body=True,
        example=CLAIM_EXAMPLE,
    ),
)
def claims_create(
    request: HttpRequest,
    claim: ApiClaimIn,
    idempotency_key: OptionalIdempotencyKeyHeader = FILING_KEY,
):
    """File a claim on one of the key's contracts; the rules decide it at once and the
    answer carries the decision: the approved amount, the holder's share, what the plan may
    still pay, repair or replacement, whether an adjuster reviews it first, and every line
    with its result and the reason in words to read to the customer. A decision is an
    answer, not an error: a claim the rules deny is filed and answers 201 with
    `decision: denied` (e.g. `contract_not_active`, `cause_not_covered`).

    A second claim while one is open on the contract (awaiting review, or approved and not
    completed) is `409 claim_open`; a layaway not yet picked up is `409 not_picked_up`."""
    auth = api_caller(request)
    caller = auth.caller

    def file() -> StoredResponse:
        contract = contract_get(caller=caller, number=claim.contract, is_test=auth.is_test)
        filed = claim_file(
            caller=caller, contract=contract, claim=claim.claim_in(), one_open_claim=True
        )
        body = ClaimOut.model_validate(claim_out(claim_get(caller=caller, number=filed.number)))
        return StoredResponse(
            201, body.model_dump(mode="json"), {"Location": f"/api/v1/claims/{filed.number}"}
        )

    return idempotent_response(request, auth, idempotency_key, file)


@router.get(
    "",
    summary="The retailer's claims",
    operation_id="claims_list",
    auth=scoped(ApiKey.CLAIMS),
    **documented({200: ClaimsPageOut}, {403: ["scope_missing"], 422: ["invalid", "unknown_field"]}),
)
def claims_list(request: HttpRequest, filters: Query[ClaimsQuery]):
    """The claims this key may see, newest first, `limit` (at most 100) a page; pass
    `next_cursor` back as `cursor` for the next. Filters: `contract` (its number), `status`,
    `store` (a store code), `filed_from` and `filed_to` (filing dates, inclusive). A test key
    sees only claims on test contracts, a live key only live ones; a store key, only its
    store's. An unknown filter is refused (`unknown_field`), so a typo never lists more."""
    auth = api_caller(request)
    known_filters_only(request, ClaimsQuery)
    rows, next_id = claims_page(
        caller=auth.caller,
        is_test=auth.is_test,
        contract_number=filters.contract,
        status=filters.status,
        store=filters.store,
        filed_from=filters.filed_from,
        filed_to=filters.filed_to,
        before_id=cursor_read(filters.cursor),
        limit=filters.limit,
    )
    return {
        "claims": [claim_row(row) for row in rows],
        "next_cursor": cursor_of(next_id) if next_id is not None else None,
    }


@router.get(
    "/{number}",
    summary="One claim",
    operation_id="claims_get",
    auth=scoped(ApiKey.CLAIMS),
    **documented({200: ClaimOut}, {403: ["scope_missing"], **CLAIM_NOT_FOUND}),
)
def claims_get(request: HttpRequest, number: str):
    """The claim with its decision, its lines, the route of the work and, once completed,
    the reimbursement."""
    auth = api_caller(request)
    return claim_out(claim_get(caller=auth.caller, number=number, is_test=auth.is_test))


@router.post(
    "/{number}/fulfilment",
    summary="Record where the work is done",
    operation_id="claims_fulfilment",
    auth=scoped(ApiKey.CLAIMS),
    **documented(
        {200: ClaimOut},
        {
            403: ["scope_missing"],
            404: ["claim_not_found", "repair_center_not_found"],
            409: [
                "claim_needs_review",
                "claim_not_approved",
                "claim_completed",
                "contract_not_active",
                "repair_center_not_approved",
            ],
            422: ["repair_center_required", "repair_center_not_shipped"],
        },
        body=True,
        example=ROUTE_EXAMPLE,
    ),
)
def claims_fulfilment(request: HttpRequest, number: str, routing: RouteIn):
    """On an approved claim: the work is done in store (`in_store`) or the item is shipped to
    a repair center (`repair_center`, with the center's code). It may be changed until the
    work is completed; sending the same route again changes nothing."""
    auth = api_caller(request)
    claim = claim_get(caller=auth.caller, number=number, is_test=auth.is_test)
    routed = claim_route(caller=auth.caller, claim=claim, route=routing)
    return claim_out(claim_get(caller=auth.caller, number=routed.number))


@router.post(
    "/{number}/completion",
    summary="Complete the work and be reimbursed",
    operation_id="claims_completion",
    auth=scoped(ApiKey.CLAIMS),
    **documented(
        {201: CompletionOut},
        {
            403: ["scope_missing"],
            **CLAIM_NOT_FOUND,
            409: [
                "claim_needs_review",
                "claim_not_approved",
                "contract_not_active",
                "out_of_order",
            ],
        },
        body=True,
        example=COMPLETION_EXAMPLE,
    ),
)
def claims_completion(request: HttpRequest, number: str, completion: CompletionIn):
    """The work on an approved claim is done: the actual cost and the jeweler's invoice
    number. The jeweler is reimbursed the actual cost, at most the approved amount; the
    route recorded by the fulfilment step stands (in store when none was recorded). A
    replacement completed makes the contract `replaced`. A claim is completed once."""
    auth = api_caller(request)
    claim = claim_get(caller=auth.caller, number=number, is_test=auth.is_test)
    reimbursement = claim_fulfil(
        caller=auth.caller, claim=claim, fulfilment=completion.fulfilment_in()
    )
    done = claim_get(caller=auth.caller, number=number)
    return Status(
        201,
        {
            "claim": done.number,
            "status": done.status,
            "contract_status": done.contract.status,
            "reimbursement": _reimbursement_out(reimbursement),
        },
    )

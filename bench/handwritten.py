"""The baseline of bench/rules.py: `claim_file` and `contract_cancel` as hand-written SQL.

Raw psycopg, autocommit off, one transaction per call, issuing the same statements as the
services do (same tables, same columns, same rows, same RETURNING clauses; checked with
`django.db.connection.execute_wrapper`, and counted per call by the benchmark), with the same
input schemas and the same pure rules deciding. What is left out is exactly the ORM: model
instances, field conversion, query compilation. Cursors use psycopg's defaults (server-side
binding, statements prepared after five runs): what a person writing psycopg by hand gets.

Plan terms come from the same per-process cache as the services use (a dictionary look-up).
"""

import datetime as dt
from collections import Counter
from decimal import Decimal

import psycopg
from psycopg.types.json import Jsonb

from gemcare.catalog.selectors import plan_terms_by_version_id
from gemcare.claims.schemas import ClaimIn
from gemcare.claims.services import STATUS_OF_DECISION, claim_facts_of, claim_line_results
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import Refused, translate_rule_errors
from gemcare.common.schemas import validate_input
from gemcare.contracts.errors import ContractError
from gemcare.contracts.models import ACTIVE, EXHAUSTED, TRANSITIONS
from gemcare.contracts.schemas import CancellationIn
from gemcare.contracts.services import new_number
from gemcare.rules import adjudication
from gemcare.rules.adjudication import claim_value, claims_value
from gemcare.rules.refunds import CancellationFacts, late_penalty, plan_refund

CALLER = Caller.system("bench")

CONTRACT_FIELDS = (
    "id", "number", "product_version_id", "retailer_id", "store_id", "receipt_number",
    "item_kind", "item_description", "item_price", "item_serial", "item_water_resistant",
    "item_sold_on", "item_is_gift", "holder_id", "state_at_sale", "plan_price", "commission",
    "purchased_on", "term_ends_on", "last_event_on", "status", "approved_total", "sold_at",
)  # fmt: skip
CONTRACT_LOCK = (
    f"SELECT {', '.join(CONTRACT_FIELDS)} FROM contracts_contract WHERE id = %s FOR UPDATE"
)
ID, VERSION_ID, ITEM_KIND, ITEM_PRICE, WATER_RESISTANT = (
    CONTRACT_FIELDS.index(name)
    for name in ("id", "product_version_id", "item_kind", "item_price", "item_water_resistant")
)
STATE_AT_SALE, PLAN_PRICE, PURCHASED_ON, STATUS, APPROVED_TOTAL = (
    CONTRACT_FIELDS.index(name)
    for name in ("state_at_sale", "plan_price", "purchased_on", "status", "approved_total")
)
RETAILER_ID, LAST_EVENT_ON = (
    CONTRACT_FIELDS.index(name) for name in ("retailer_id", "last_event_on")
)

EVENT_INSERT = (
    'INSERT INTO contracts_contractevent (contract_id, at, "on", kind, from_status, to_status, '
    "data) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id"
)
LIMIT_UPDATE = (
    "UPDATE contracts_contract SET approved_total = %s, status = %s, last_event_on = %s "
    "WHERE id = %s"
)
LIMIT_ONLY_UPDATE = "UPDATE contracts_contract SET approved_total = %s, status = %s WHERE id = %s"
LAST_EVENT_UPDATE = "UPDATE contracts_contract SET last_event_on = %s WHERE id = %s"
STATUS_UPDATE = "UPDATE contracts_contract SET status = %s, last_event_on = %s WHERE id = %s"
CLAIM_INSERT = (
    "INSERT INTO claims_claim (number, contract_id, retailer_id, filed_on, incident_on, cause, "
    "repairable, maintenance_done, channel, filed_by_id, status, decision, reason_code, "
    "approved, holder_share, remaining_limit, fulfilment, needs_review, route, "
    "repair_center_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
    "%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)
LINES_INSERT = (
    "INSERT INTO claims_claimline (claim_id, position, service, estimated_cost, sizes, result, "
    "approved, reason_code, reason_words) VALUES "
)
LINE_VALUES = "(%s, %s, %s, %s, %s, %s, %s, %s, %s)"
DECISION_INSERT = (
    "INSERT INTO claims_claimdecision (claim_id, decided_at, source, decided_by_id, decision, "
    "reason_code, approved, holder_share, remaining_limit, fulfilment, needs_review, status, "
    "explanation) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)
AUDIT_INSERT = (
    "INSERT INTO common_auditentry (at, actor_id, actor_label, retailer_id, action, entity, "
    "entity_id, data) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)
CLAIM_FACTS = "SELECT status, approved FROM claims_claim WHERE contract_id = %s"
# The webhook outbox: the retailer's active endpoints, read for every event.
WEBHOOK_ENDPOINTS = (
    "SELECT id, retailer_id, events, is_test FROM webhooks_webhookendpoint "
    "WHERE retailer_id = %s AND is_active"
)
CANCELLATION_INSERT = (
    "INSERT INTO contracts_cancellation (contract_id, cancel_on, by, reason, notice_on, "
    "unearned, services_deducted, unearned_factor, refund, due_on, explanation, created_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class HandWritten:
    """One psycopg connection; `statements` counts what was sent, by first keyword."""

    def __init__(self, url: str) -> None:
        self.connection = psycopg.connect(url, autocommit=False)
        self.statements: Counter[str] = Counter()

    def close(self) -> None:
        self.connection.close()

    def _run(self, cursor: psycopg.Cursor, sql: str, params: tuple) -> None:
        self.statements[sql.split(None, 1)[0].upper()] += 1
        cursor.execute(sql, params)

    def _status_change(self, cursor, row, to_status: str, *, on: dt.date, kind: str) -> None:
        if to_status not in TRANSITIONS[row[STATUS]]:
            raise Refused(
                "illegal_transition", f"A {row[STATUS]} contract cannot become {to_status}."
            )
        params = (row[ID], _now(), on, kind, row[STATUS], to_status, Jsonb({}))
        self._run(cursor, EVENT_INSERT, params)

    def claim_file(self, *, contract_id: int, claim: dict) -> str:
        """The statements of `claims.services.claim_file`; returns the decision."""
        claim_in = validate_input(ClaimIn, claim)
        facts = claim_facts_of(claim_in, filed_on=claim_in.filed or today())
        try:
            with self.connection.cursor() as cursor:
                self._run(cursor, CONTRACT_LOCK, (contract_id,))
                row = cursor.fetchone()
                if facts.filed_on < row[LAST_EVENT_ON]:
                    raise Refused(ContractError.OUT_OF_ORDER, "The claim's filing is out of order.")
                contract = adjudication.ContractFacts(
                    terms=plan_terms_by_version_id(row[VERSION_ID]),
                    status=row[STATUS],
                    item_kind=row[ITEM_KIND],
                    item_price=row[ITEM_PRICE],
                    purchased_on=row[PURCHASED_ON],
                    water_resistant=row[WATER_RESISTANT],
                    approved_before=row[APPROVED_TOTAL],
                )
                decision = adjudication.decide_claim(contract, facts)
                status = STATUS_OF_DECISION.get(decision.decision) or (
                    "awaiting_review" if decision.needs_review else "approved"
                )
                value = claim_value(status, decision.approved)
                later = facts.filed_on > row[LAST_EVENT_ON]
                if value:
                    total = row[APPROVED_TOTAL] + value
                    new_status = row[STATUS]
                    remaining = decision.remaining_limit
                    if remaining is not None and remaining <= 0:
                        self._status_change(
                            cursor, row, EXHAUSTED, on=facts.filed_on, kind="limit_exhausted"
                        )
                        new_status = EXHAUSTED
                    if later:
                        params = (total, new_status, facts.filed_on, contract_id)
                        self._run(cursor, LIMIT_UPDATE, params)
                    else:
                        self._run(cursor, LIMIT_ONLY_UPDATE, (total, new_status, contract_id))
                elif later:
                    self._run(cursor, LAST_EVENT_UPDATE, (facts.filed_on, contract_id))
                reason_code = decision.reason_code or ""
                fulfilment = decision.fulfilment or ""
                self._run(
                    cursor,
                    CLAIM_INSERT,
                    (
                        new_number("K"),
                        contract_id,
                        row[RETAILER_ID],
                        facts.filed_on,
                        facts.incident_on,
                        facts.cause,
                        facts.repairable,
                        facts.maintenance_done,
                        claim_in.channel,
                        None,
                        status,
                        decision.decision,
                        reason_code,
                        decision.approved,
                        decision.holder_share,
                        decision.remaining_limit,
                        fulfilment,
                        decision.needs_review,
                        "",
                        None,
                        _now(),
                    ),
                )
                claim_id = cursor.fetchone()[0]
                values = []
                for position, (filed, line) in enumerate(claim_line_results(facts, decision)):
                    values += (
                        claim_id,
                        position,
                        line.service,
                        line.estimated_cost,
                        filed.sizes,
                        line.result,
                        line.approved,
                        line.reason.code,
                        line.reason.words[:300],
                    )
                if values:
                    count = len(values) // 9
                    sql = LINES_INSERT + ", ".join([LINE_VALUES] * count) + " RETURNING id"
                    self._run(cursor, sql, tuple(values))
                self._run(
                    cursor,
                    DECISION_INSERT,
                    (
                        claim_id,
                        _now(),
                        "engine",
                        None,
                        decision.decision,
                        reason_code,
                        decision.approved,
                        decision.holder_share,
                        decision.remaining_limit,
                        fulfilment,
                        decision.needs_review,
                        status,
                        Jsonb(decision.explanation),
                    ),
                )
                data = {"decision": decision.decision, "approved": str(decision.approved)}
                self._run(
                    cursor,
                    AUDIT_INSERT,
                    (
                        _now(),
                        None,
                        CALLER.label,
                        row[RETAILER_ID],
                        "claim_filed",
                        "claim",
                        str(claim_id),
                        Jsonb(data),
                    ),
                )
                self._run(cursor, WEBHOOK_ENDPOINTS, (row[RETAILER_ID],))
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise
        return decision.decision

    def contract_cancel(self, *, contract_id: int, cancel: dict) -> Decimal:
        """The statements of `contracts.services.contract_cancel`; returns the refund."""
        cancellation = validate_input(CancellationIn, cancel)
        by, reason = cancellation.by, cancellation.reason
        cancel_date, notice_date = cancellation.date, cancellation.notice
        try:
            with self.connection.cursor() as cursor:
                self._run(cursor, CONTRACT_LOCK, (contract_id,))
                row = cursor.fetchone()
                if row[STATUS] not in {ACTIVE, EXHAUSTED}:
                    raise Refused("contract_not_active", f"The contract is {row[STATUS]}.")
                if cancel_date < row[LAST_EVENT_ON]:
                    raise Refused(ContractError.OUT_OF_ORDER, "The cancellation is out of order.")
                self._run(cursor, CLAIM_FACTS, (contract_id,))
                claims = cursor.fetchall()
                if any(status == "awaiting_review" for status, _ in claims):
                    raise Refused(ContractError.CLAIM_IN_REVIEW, "A claim awaits review.")
                facts = CancellationFacts(
                    terms=plan_terms_by_version_id(row[VERSION_ID]),
                    state=row[STATE_AT_SALE],
                    plan_price=row[PLAN_PRICE],
                    purchased_on=row[PURCHASED_ON],
                    cancel_on=cancel_date,
                    by=by,
                    reason=reason,
                    services_received=claims_value(claims),
                    claims_filed=len(claims),
                    notice_on=notice_date,
                )
                with translate_rule_errors():
                    decision = plan_refund(facts)
                penalty = late_penalty(decision.refund, cancel_on=cancel_date, paid_on=None)
                self._status_change(cursor, row, decision.status, on=cancel_date, kind="cancelled")
                self._run(cursor, STATUS_UPDATE, (decision.status, cancel_date, contract_id))
                explanation = [reason.words for reason in decision.reasons]
                self._run(
                    cursor,
                    CANCELLATION_INSERT,
                    (
                        contract_id,
                        cancel_date,
                        by,
                        reason or "",
                        notice_date,
                        decision.unearned,
                        decision.services_deducted,
                        decision.unearned_factor,
                        decision.refund,
                        penalty.due_on,
                        Jsonb(explanation),
                        _now(),
                    ),
                )
                data = {"by": by, "refund": str(decision.refund), "status": decision.status}
                self._run(
                    cursor,
                    AUDIT_INSERT,
                    (
                        _now(),
                        None,
                        CALLER.label,
                        row[RETAILER_ID],
                        "contract_cancelled",
                        "contract",
                        str(contract_id),
                        Jsonb(data),
                    ),
                )
                self._run(cursor, WEBHOOK_ENDPOINTS, (row[RETAILER_ID],))
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise
        return decision.refund

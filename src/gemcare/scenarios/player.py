"""Playing one scenario through the services, event by event (RULEBOOK §8).

The player only translates: a scenario event becomes a service call, and the service's result
becomes the keys the rulebook lists for that event. Any rule applied here would be a rule the
API and the portals do not apply, so there are none.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from gemcare.claims import services as claims
from gemcare.claims.models import AWAITING_REVIEW, Claim
from gemcare.common.errors import ApplicationError, InvalidInput, Refused
from gemcare.contracts import services as contracts
from gemcare.contracts.models import Contract
from gemcare.insurance import services as insurance
from gemcare.partners.models import ProviderStaff, Retailer, Store
from gemcare.rules import vocabulary

PLAN_EVENTS = {"quote", "claim", "fulfil", "cancel", "transfer"}
POLICY_EVENTS = {"quote", "loss", "cancel", "renew"}


@dataclass
class EventResult:
    kind: str
    got: dict
    expect: dict | None
    passed: bool
    mismatches: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "got": self.got, "expect": self.expect, "passed": self.passed}


@dataclass
class ScenarioResult:
    name: str
    where: str
    passed: bool
    events: list[EventResult] = field(default_factory=list)
    problem: str | None = None

    def as_dict(self) -> dict:
        body = {
            "name": self.name,
            "file": self.where,
            "passed": self.passed,
            "events": [event.as_dict() for event in self.events],
        }
        if self.problem:
            body["error"] = self.problem
        return body


class ScenarioProblem(Exception):
    """The scenario cannot be played: the message says where."""


def compare(got: dict, expect: dict | None) -> list[str]:
    """A key that `expect` names must match exactly; keys it leaves out are not checked."""
    if expect is None:
        return []
    return [
        f"{key}: expected {value!r}, got {got.get(key)!r}"
        for key, value in expect.items()
        if _plain(got.get(key)) != _plain(value)
    ]


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _error(error: ApplicationError) -> dict:
    return {"error": error.code, "message": error.describe()}


class Player:
    """Plays one scenario; a fresh Player per scenario, inside a rolled-back transaction."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.claims: list[Claim] = []
        self.contract: Contract | None = None
        self.sale_error: ApplicationError | None = None
        self.policy = None
        self.adjuster = self._adjuster()

    def play(self) -> list[EventResult]:
        events = self.data.get("events")
        if not isinstance(events, list) or not events:
            raise ScenarioProblem("events: a scenario needs a list of events")
        is_policy = "policy" in self.data
        if is_policy == ("product" in self.data):
            raise ScenarioProblem("a scenario names either `product` or `policy`")
        self._setup_policy() if is_policy else self._setup_plan()
        allowed = POLICY_EVENTS if is_policy else PLAN_EVENTS
        results = []
        for number, event in enumerate(events, start=1):
            kind, args, expect = self._parse_event(number, event, allowed)
            handler = getattr(self, f"_{'policy' if is_policy else 'plan'}_{kind}")
            try:
                got = handler(args)
            except InvalidInput as error:
                # Bad input (an unknown code, a date that is not a date) means the scenario
                # cannot be played, unless it expects exactly that error.
                if not (expect and "error" in expect):
                    raise ScenarioProblem(f"events[{number}] {kind}: {error.describe()}") from error
                got = _error(error)
            except ApplicationError as error:
                got = {"ok": False, **_error(error)} if kind == "transfer" else _error(error)
            mismatches = compare(got, expect)
            results.append(EventResult(kind, got, expect, not mismatches, mismatches))
        return results

    # --- set-up -------------------------------------------------------------------------

    def _parse_event(self, number: int, event: object, allowed: set[str]):
        where = f"events[{number}]"
        if not isinstance(event, dict):
            raise ScenarioProblem(f"{where}: an event must be a mapping")
        kinds = [key for key in event if key != "expect"]
        if len(kinds) != 1 or kinds[0] not in allowed:
            raise ScenarioProblem(
                f"{where}: expected one of {sorted(allowed)} (and `expect`), got {kinds}"
            )
        kind = kinds[0]
        args = event[kind] or {}
        expect = event.get("expect")
        if not isinstance(args, dict):
            raise ScenarioProblem(f"{where}.{kind}: must be a mapping")
        if expect is not None and not isinstance(expect, dict):
            raise ScenarioProblem(f"{where}.expect: must be a mapping")
        return kind, args, expect

    def _adjuster(self):
        user, _ = get_user_model().objects.get_or_create(username="scenario-adjuster")
        ProviderStaff.objects.get_or_create(user=user, defaults={"role": ProviderStaff.ADJUSTER})
        return user

    def _store(self, state: object) -> Store:
        if state not in vocabulary.US_STATES:
            raise InvalidInput("state", state, "is not a US state")
        retailer, _ = Retailer.objects.get_or_create(
            code="scenario", defaults={"name": "Scenario Jewelers"}
        )
        store, _ = Store.objects.get_or_create(
            retailer=retailer,
            code=f"store-{state.lower()}",
            defaults={"name": state, "state": state},
        )
        return store

    def _setup_plan(self) -> None:
        item = self.data.get("item")
        if not isinstance(item, dict):
            raise ScenarioProblem("item: must be a mapping with kind and price")
        self.product = self.data.get("product")
        store = self._store(self.data.get("state"))
        try:
            self.contract = contracts.contract_sell(
                store=store,
                product_code=self.product,
                receipt_number="R-SCENARIO",
                item=item,
                holder={"name": "Scenario Holder", "state": store.state},
                purchased_on=self.data.get("purchased"),
            )
        except Refused as error:  # no offer for this item: only quotes can be played
            self.sale_error = error
        self.item = item

    def _setup_policy(self) -> None:
        policy = self.data["policy"]
        if not isinstance(policy, dict):
            raise ScenarioProblem("policy: must be a mapping")
        items = policy.get("items")
        if not isinstance(items, list):
            raise InvalidInput("policy.items", items, "must be a list of items")
        self.policy_terms = policy
        self.policy = insurance.policy_bind(
            named_insureds=[{"name": "Scenario Insured"}],
            state=policy.get("state"),
            start=policy.get("start"),
            deductible=policy.get("deductible"),
            items=[
                {"ref": item.get("id"), "kind": item.get("kind"), "limit": item.get("limit")}
                if isinstance(item, dict)
                else item
                for item in items
            ],
            installments=policy.get("installments", 1),
            value_adjustment=policy.get("value_adjustment", self._renews_by_index()),
        )

    def _renews_by_index(self) -> bool:
        """A scenario that renews by an index describes a policy with the value adjustment."""
        return any(
            isinstance(event, dict)
            and isinstance(event.get("renew"), dict)
            and "index_now" in event["renew"]
            for event in self.data.get("events") or []
        )

    def _contract(self) -> Contract:
        if self.contract is None:
            raise self.sale_error or Refused("no_contract", "No contract was sold.")
        self.contract.refresh_from_db()
        return self.contract

    # --- plan events --------------------------------------------------------------------

    def _plan_quote(self, args: dict) -> dict:
        quote = contracts.contract_quote(
            product_code=self.product,
            item_kind=self.item.get("kind"),
            item_price=self.item.get("price"),
        )
        if quote.offer:
            return {"offer": True, "price": _money(quote.price)}
        return {"offer": False, "reason": quote.reason.code, "words": quote.reason.words}

    def _plan_claim(self, args: dict) -> dict:
        claim = claims.claim_file(
            contract=self._contract(),
            incident_on=args.get("incident"),
            filed_on=args.get("filed"),
            cause=args.get("cause"),
            lines=args.get("lines"),
            repairable=args.get("repairable", True),
            maintenance_done=args.get("maintenance_done", True),
        )
        self.claims.append(claim)
        if claim.status == AWAITING_REVIEW:  # the adjuster confirms the rules' decision
            claim = claims.claim_review(actor=self.adjuster, claim=claim)
        got = {
            "decision": claim.decision,
            "approved": _money(claim.approved),
            "holder_share": _money(claim.holder_share),
            "needs_review": claim.needs_review,
            "status": self._contract().status,
        }
        if claim.reason_code:
            got["reason"] = claim.reason_code
        if claim.remaining_limit is not None:
            got["remaining_limit"] = _money(claim.remaining_limit)
        if claim.fulfilment:
            got["fulfilment"] = claim.fulfilment
        return got

    def _plan_fulfil(self, args: dict) -> dict:
        number = args.get("claim")
        if not isinstance(number, int) or not 1 <= number <= len(self.claims):
            raise InvalidInput("fulfil.claim", number, f"there are {len(self.claims)} claims")
        claim = self.claims[number - 1]
        reimbursement = claims.claim_fulfil(
            claim=claim,
            actual_cost=args.get("actual_cost"),
            completed_on=args.get("date", claim.filed_on),
        )
        return {"reimbursed": _money(reimbursement.amount), "status": self._contract().status}

    def _plan_cancel(self, args: dict) -> dict:
        cancellation = contracts.contract_cancel(
            contract=self._contract(),
            cancel_on=args.get("date"),
            by=args.get("by", "holder"),
            reason=args.get("reason"),
            notice_on=args.get("notice"),
        )
        penalty = Decimal("0.00")
        if args.get("refund_paid") is not None:
            payment = contracts.refund_payment_record(
                cancellation=cancellation, paid_on=args["refund_paid"]
            )
            penalty = payment.penalty
        return {
            "refund": _money(cancellation.refund),
            "penalty": _money(penalty),
            "total": _money(cancellation.refund + penalty),
            "status": self._contract().status,
        }

    def _plan_transfer(self, args: dict) -> dict:
        contracts.contract_transfer(
            contract=self._contract(), to_holder={"name": args.get("to")}, on=args.get("date")
        )
        return {"ok": True}

    # --- policy events ------------------------------------------------------------------

    def _policy_quote(self, args: dict) -> dict:
        self.policy.refresh_from_db()
        quote = insurance.policy_quote(
            state=self.policy.state,
            deductible=self.policy.deductible,
            limits=[item.limit for item in self.policy.items.all()],
            installments=self.policy.installments,
        )
        got = {"premium": _money(quote.premium)}
        if quote.installment is not None:
            got["installment"] = _money(quote.installment)
        return got

    def _policy_loss(self, args: dict) -> dict:
        newly_acquired = args.get("newly_acquired")
        if newly_acquired is not None and not isinstance(newly_acquired, dict):
            raise InvalidInput("newly_acquired", newly_acquired, "must be {acquired: date}")
        optional = {
            key: args[key]
            for key in (
                "service_plan_due",
                "paid_by_others",
                "other_insurance_limits",
                "pair_set_amount",
                "repair",
            )
            if key in args
        }
        loss = insurance.loss_record(
            policy=self.policy,
            loss_on=args.get("date"),
            peril=args.get("peril"),
            cost=args.get("cost"),
            item_ref=args.get("item"),
            newly_acquired_on=newly_acquired.get("acquired") if newly_acquired else None,
            **optional,
        )
        got = {
            "covered": loss.covered,
            "payout": _money(loss.payout),
            "item_removed": loss.item_removed,
            "refund": _money(loss.refund),
        }
        if not loss.covered:
            got["reason"] = loss.reason_code
        return got

    def _policy_cancel(self, args: dict) -> dict:
        cancellation = insurance.policy_cancel(
            policy=self.policy,
            cancel_on=args.get("date"),
            by=args.get("by", "insured"),
            notice_on=args.get("notice"),
        )
        return {"refund": _money(cancellation.refund)}

    def _policy_renew(self, args: dict) -> dict:
        renewal = insurance.policy_renew(
            policy=self.policy, index_now=args.get("index_now"), index_then=args.get("index_then")
        )
        return {
            "limits": {ref: f"{Decimal(limit):.2f}" for ref, limit in renewal.limits.items()},
            "premium": _money(renewal.premium),
        }

"""Playing one scenario through the services, event by event (RULEBOOK §8).

The player only translates: a scenario event becomes a service call, and the service's result
becomes the keys the rulebook lists for that event. Any rule applied here would be a rule the
API and the portals do not apply, so there are none.

A scenario plays on its own clock: while an event plays, the platform's `today()` is that
event's date (the sale on the purchase date, a claim on its filing date, a cancellation on its
date...), so next year's terms can be tried now. The player reads that date from the event's
own words before the event's input is read, so the clock does not depend on how a service
takes its input; outside the player the real today stays.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from gemcare.claims import schemas as claim_input
from gemcare.claims import services as claims
from gemcare.claims.models import AWAITING_REVIEW, Claim
from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.errors import (
    ApplicationError,
    CommonError,
    InvalidInput,
    Refused,
    quoted,
)
from gemcare.common.schemas import validate_input
from gemcare.contracts import schemas as contract_input
from gemcare.contracts import services as contracts
from gemcare.contracts.models import Contract
from gemcare.insurance import schemas as insurance_input
from gemcare.insurance import services as insurance
from gemcare.partners.models import ProviderStaff, Retailer, Store
from gemcare.rules import vocabulary
from gemcare.scenarios.loss_events import LOSS_EVENTS, LossEvents, loss_words
from gemcare.scenarios.policy_events import POLICY_LIFECYCLE_EVENTS, PolicyLifecycleEvents
from gemcare.scenarios.schemas import scenario_read
from gemcare.scenarios.words import event_day, money_text, service_words

PLAN_EVENTS = {"quote", "claim", "fulfil", "cancel", "transfer"}
POLICY_EVENTS = {"quote", "loss", "cancel", "renew"} | LOSS_EVENTS | POLICY_LIFECYCLE_EVENTS
# The events of a policy billed here: its payments, its installments, the daily work.
BILLING_EVENTS = {"pay", "installments", "day"}
SCENARIOS = Caller.system("scenarios")


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


def _error(error: ApplicationError) -> dict:
    return {"error": error.code, "message": error.describe()}


@contextmanager
def played_on(value: object) -> Iterator[None]:
    """Play the block on the date `value` names; without one, on the clock as it is."""
    day = event_day(value)
    if day is None:
        yield
        return
    with clock_set(day):
        yield


class Player(LossEvents, PolicyLifecycleEvents):
    """Plays one scenario; a fresh Player per scenario, inside a rolled-back transaction."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.claims: list[Claim] = []
        self.contract: Contract | None = None
        self.sale_error: ApplicationError | None = None
        self.policy = None
        self.adjuster = self._adjuster()
        self.adjuster_caller = Caller.provider(self.adjuster)

    def play(self) -> list[EventResult]:
        # What has played so far, and where the player is: a scenario that stops half-way
        # still reports the events before, and says which event stopped it.
        self.results: list[EventResult] = []
        self.where = "set-up"
        try:
            scenario = scenario_read(self.data)
        except InvalidInput as error:
            raise ScenarioProblem(error.describe()) from error
        is_policy = scenario.policy is not None
        start = scenario.policy.get("start") if is_policy else scenario.purchased
        with played_on(start):
            self._setup_policy() if is_policy else self._setup_plan()
        allowed = POLICY_EVENTS if is_policy else PLAN_EVENTS
        for number, event in enumerate(scenario.events, start=1):
            self.where = f"events[{number}]"
            kind, args, expect = self._parse_event(number, event, allowed)
            self.where = f"events[{number}] {kind}"
            handler = getattr(self, f"_{'policy' if is_policy else 'plan'}_{kind}")
            try:
                with played_on(start if kind == "quote" else self._event_date(kind, args)):
                    got = handler(args)
            except InvalidInput as error:
                # Bad input (an unknown code, a date that is not a date) means the scenario
                # cannot be played, unless it expects exactly that error.
                if not (expect and "error" in expect):
                    raise ScenarioProblem(f"{self.where}: {error.describe()}") from error
                got = _error(error)
            except ApplicationError as error:
                # Refused by the services: the event gives its code, the next events play.
                got = {"ok": False, **_error(error)} if kind == "transfer" else _error(error)
            mismatches = compare(got, expect)
            self.results.append(EventResult(kind, got, expect, not mismatches, mismatches))
        return self.results

    def _event_date(self, kind: str, args: dict) -> object:
        """The date an event happens on (RULEBOOK §8), as the scenario wrote it."""
        if kind == "claim":
            # `filed` defaults to the incident date in a scenario. An incident after the
            # filing plays on the incident's date, so that the claim is refused for that
            # (incident_after_filing) and not for an incident "in the future".
            filed = event_day(args.get("filed"))
            incident = event_day(args.get("incident"))
            return max(filed, incident) if filed and incident else filed or incident
        if kind == "fulfil" and args.get("date") is None:
            number = args.get("claim")
            if type(number) is int and 1 <= number <= len(self.claims):
                return self.claims[number - 1].filed_on
            return None
        if kind == "renew":  # a policy renews when its current period ends
            self.policy.refresh_from_db(fields=["period_end"])
            return self.policy.period_end
        return args.get("date")

    # --- set-up -------------------------------------------------------------------------

    def _parse_event(self, number: int, event: object, allowed: set[str]):
        where = f"events[{number}]"
        if not isinstance(event, dict):
            raise ScenarioProblem(f"{where}: an event must be a mapping")
        kinds = [key for key in event if key != "expect"]
        if len(kinds) != 1 or kinds[0] not in allowed:
            got = ", ".join(str(quoted(kind)) for kind in kinds[:5]) or "nothing"
            raise ScenarioProblem(
                f"{where}: expected one of {sorted(allowed)} (and `expect`), got {got}"
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
        sale = validate_input(
            contract_input.SaleIn,
            {
                "product": self.product,
                "receipt_number": "R-SCENARIO",
                "item": item,
                "holder": {"name": "Scenario Holder", "state": store.state},
                "purchased": self.data.get("purchased"),
            },
        )
        try:
            self.contract = contracts.contract_sell(caller=SCENARIOS, store=store, sale=sale)
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
        terms = {key: value for key, value in policy.items() if key != "items"}
        terms.setdefault("named_insureds", [{"name": "Scenario Insured"}])
        terms.setdefault("value_adjustment", self._renews_by_index())
        # A scenario names an item by `id`; the policy calls it the item's `ref`.
        terms["items"] = [
            {("ref" if key == "id" else key): value for key, value in item.items()}
            if isinstance(item, dict)
            else item
            for item in items
        ]
        data = self._policy_input(insurance_input.PolicyBindIn, terms, prefix="policy")
        self.policy = insurance.policy_bind(
            caller=Caller.system("scenarios"), data=data, billed_here=self._bills_policy()
        )

    def _bills_policy(self) -> bool:
        """A scenario that pays, reads the installments or runs the daily work describes a
        policy billed here; any other counts its premium as paid (RULEBOOK 6.2's refunds
        limit what comes back to what was paid only "where payments are recorded")."""
        kinds = {
            kind
            for event in self.data.get("events") or []
            if isinstance(event, dict)
            for kind in event
        }
        return bool(kinds & BILLING_EVENTS)

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
        quote_in = validate_input(
            contract_input.QuoteIn,
            {
                "product": self.product,
                "kind": self.item.get("kind"),
                "price": self.item.get("price"),
            },
        )
        quote = contracts.contract_quote(caller=SCENARIOS, quote=quote_in)
        if quote.offer:
            return {"offer": True, "price": money_text(quote.price)}
        return {"offer": False, "reason": quote.reason.code, "words": quote.reason.words}

    def _plan_claim(self, args: dict) -> dict:
        # In a scenario `filed` defaults to the incident date (RULEBOOK 8).
        values = {"filed": args.get("incident"), **args}
        claim_in = validate_input(claim_input.ClaimIn, values)
        claim = claims.claim_file(caller=SCENARIOS, contract=self._contract(), claim=claim_in)
        self.claims.append(claim)
        if claim.status == AWAITING_REVIEW:  # the adjuster confirms the rules' decision
            claim = claims.claim_review(
                caller=self.adjuster_caller, claim=claim, review=claim_input.ReviewIn()
            )
        got = {
            "decision": claim.decision,
            "approved": money_text(claim.approved),
            "holder_share": money_text(claim.holder_share),
            "needs_review": claim.needs_review,
            "status": self._contract().status,
        }
        if claim.reason_code:
            got["reason"] = claim.reason_code
        if claim.remaining_limit is not None:
            got["remaining_limit"] = money_text(claim.remaining_limit)
        if claim.fulfilment:
            got["fulfilment"] = claim.fulfilment
        return got

    def _plan_fulfil(self, args: dict) -> dict:
        values = dict(args)
        number = values.pop("claim", None)
        if isinstance(number, bool) or not isinstance(number, int):
            raise InvalidInput("claim", number, "must be the number of a claim in the scenario")
        if not 1 <= number <= len(self.claims):
            raise InvalidInput("claim", number, f"there are {len(self.claims)} claims")
        claim = self.claims[number - 1]
        if "date" in values:
            values["completed"] = values.pop("date")
        else:
            values["completed"] = claim.filed_on
        fulfilment = validate_input(claim_input.FulfilmentIn, values)
        reimbursement = claims.claim_fulfil(caller=SCENARIOS, claim=claim, fulfilment=fulfilment)
        return {"reimbursed": money_text(reimbursement.amount), "status": self._contract().status}

    def _plan_cancel(self, args: dict) -> dict:
        values = dict(args)
        paid = values.pop("refund_paid", None)
        cancellation_in = validate_input(contract_input.CancellationIn, values)
        payment_in = None
        if paid is not None:  # the payment happens on its own date, after the cancellation
            with played_on(paid):
                payment_in = validate_input(contract_input.RefundPaymentIn, {"paid": paid})
        cancellation = contracts.contract_cancel(
            caller=SCENARIOS, contract=self._contract(), cancellation=cancellation_in
        )
        penalty = Decimal("0.00")
        if payment_in is not None:
            with played_on(paid):
                payment = contracts.refund_payment_record(
                    caller=SCENARIOS, cancellation=cancellation, payment=payment_in
                )
            penalty = payment.penalty
        return {
            "refund": money_text(cancellation.refund),
            "penalty": money_text(penalty),
            "total": money_text(cancellation.refund + penalty),
            "status": self._contract().status,
        }

    def _plan_transfer(self, args: dict) -> dict:
        values = dict(args)
        contract = self._contract()
        if "to" in values:
            values["holder"] = {"name": values.pop("to"), "state": contract.holder.state}
        transfer = validate_input(contract_input.TransferIn, values)
        contracts.contract_transfer(caller=SCENARIOS, contract=contract, transfer=transfer)
        return {"ok": True}

    # --- policy events ------------------------------------------------------------------

    @staticmethod
    def _policy_input(schema, args: dict, *, prefix: str = "", words: dict | None = None):
        """Read an event's arguments into the service's input, naming a bad field with the
        scenario's own word for it (`date`, not `loss_on`)."""
        words = words or {}
        try:
            return validate_input(schema, args, prefix=prefix)
        except InvalidInput as error:
            field_name = words.get(error.field, error.field)
            if field_name == error.field:
                raise
            renamed = InvalidInput(
                field_name,
                None,
                error.message,
                code=error.code,
                errors=[
                    item | {"field": words.get(item["field"], item["field"])}
                    for item in error.errors
                ],
            )
            # Already the quotable form of the value: quoting it again would cut its length.
            renamed.value = error.value
            renamed.args = (renamed.describe(),)
            raise renamed from None

    def _policy_quote(self, args: dict) -> dict:
        if args:
            key = next(iter(args))
            raise InvalidInput(
                key, args[key], "is not a known field", code=CommonError.UNKNOWN_FIELD
            )
        self.policy.refresh_from_db()
        data = insurance_input.PolicyQuoteIn(
            state=self.policy.state,
            deductible=self.policy.deductible,
            limits=[item.limit for item in self.policy.items.all()],
            installments=self.policy.installments,
            product_code=self.policy.rating_version.product.code,
        )
        quote = insurance.policy_quote(caller=Caller.system("scenarios"), data=data)
        got = {"premium": money_text(quote.premium)}
        if quote.installment is not None:
            got["installment"] = money_text(quote.installment)
        return got

    def _policy_loss(self, args: dict) -> dict:
        # The scenario's words for a loss (RULEBOOK §8) and the service's.
        values, back = loss_words(args, {"date": "loss_on", "item": "item_ref"})
        data = self._policy_input(insurance_input.LossIn, values, words=back)
        loss = insurance.loss_record(
            caller=Caller.system("scenarios"), policy=self.policy, data=data
        )
        got = {
            "covered": loss.covered,
            "payout": money_text(loss.payout),
            "item_removed": loss.item_removed,
            "refund": money_text(loss.refund),
        }
        if not loss.covered:
            got["reason"] = loss.reason_code
        return got

    def _policy_cancel(self, args: dict) -> dict:
        values, back = service_words(args, {"date": "cancel_on", "notice": "notice_on"})
        values.setdefault("by", "insured")
        data = self._policy_input(insurance_input.PolicyCancelIn, values, words=back)
        cancellation = insurance.policy_cancel(
            caller=Caller.system("scenarios"), policy=self.policy, data=data
        )
        return {"refund": money_text(cancellation.refund)}

    def _policy_renew(self, args: dict) -> dict:
        data = self._policy_input(insurance_input.PolicyRenewIn, args)
        renewal = insurance.policy_renew(
            caller=Caller.system("scenarios"), policy=self.policy, data=data
        )
        return {
            "limits": {ref: f"{Decimal(limit):.2f}" for ref, limit in renewal.limits.items()},
            "premium": money_text(renewal.premium),
        }

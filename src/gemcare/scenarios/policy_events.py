"""A policy's life in a scenario: payments, endorsements, the value index, newly acquired
items and the day's policy work (renewal offers, expiry, notices for missed payments).

Like the rest of the player, these only translate: each event becomes one service call and
its result the keys below. Dates are the scenario's words (`date`); the event plays on it.

| event | keys |
|---|---|
| pay: {date, amount} | `paid`, `notice_withdrawn`, `renewal_accepted`, `status` |
| endorse: {date, add: item} | `premium` (charged), `refund`, `status` |
| endorse: {date, change: {id, limit, ...}} | the same |
| endorse: {date, remove: id} | the same |
| index: {date, value} | `value` |
| acquire: {date, acquired, kind} | `cover_ends` |
| day: {date} | `status`, a count for each step done (`renewed`, `expired`, `notice_given`, |
| | `cancelled_for_nonpayment`, `renewal_offered`, `reminded`), and with them `cancel_on` |
| | (a notice given), `offer_premium`, `offer_limits`, `first_payment` (a renewal offered), |
| | `refund` (a cancellation carried out), `premium`, `limits` (a renewal that took effect) |
| installments | `installments` (each `due_on amount status`), `overdue` |
"""

from decimal import Decimal

from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput
from gemcare.insurance import schemas as insurance_input
from gemcare.insurance import selectors
from gemcare.insurance import services as insurance
from gemcare.insurance.models import PolicyCancellationNotice, PolicyRenewalOffer

POLICY_LIFECYCLE_EVENTS = {"pay", "endorse", "index", "acquire", "day", "installments"}
LIFECYCLE = Caller.system("scenarios")


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _item(values: object, where: str) -> dict:
    if not isinstance(values, dict):
        raise InvalidInput(where, values, "must be a mapping of the item's fields")
    return {("ref" if key == "id" else key): value for key, value in values.items()}


class PolicyLifecycleEvents:
    """Mixed into the scenario `Player`: `self.policy` is the scenario's policy."""

    def _status(self) -> str:
        self.policy.refresh_from_db()
        return self.policy.status

    def _policy_pay(self, args: dict) -> dict:
        words = {"date": "paid_on"}
        values = {words.get(key, key): value for key, value in args.items()}
        data = self._policy_input(
            insurance_input.PolicyPaymentIn, values, words={"paid_on": "date"}
        )
        recorded = insurance.policy_payment_record(caller=LIFECYCLE, policy=self.policy, data=data)
        return {
            "paid": _money(recorded.amount),
            "notice_withdrawn": recorded.notice_withdrawn,
            "renewal_accepted": recorded.renewal_accepted,
            "status": self._status(),
        }

    def _policy_endorse(self, args: dict) -> dict:
        actions = [key for key in ("add", "change", "remove") if key in args]
        extra = set(args) - {"date", "add", "change", "remove"}
        if len(actions) != 1 or extra:
            raise InvalidInput("endorse", None, "gives a date and one of add, change or remove")
        action, date = actions[0], args.get("date")
        if action == "remove":
            data = self._policy_input(
                insurance_input.ScheduledItemRemoveIn,
                {"ref": args["remove"], "on": date},
                words={"ref": "remove", "on": "date"},
            )
            before = selectors.policy_premium_in_force(policy=self.policy)
            insurance.scheduled_item_remove(caller=LIFECYCLE, policy=self.policy, data=data)
            after = selectors.policy_premium_in_force(policy=self.policy)
            return {"premium": "0.00", "refund": _money(before - after), "status": self._status()}
        values = {**_item(args[action], action), "on": date}
        if action == "add":
            data = self._policy_input(
                insurance_input.ScheduledItemAddIn, values, words={"on": "date"}
            )
            before = selectors.policy_premium_in_force(policy=self.policy)
            insurance.scheduled_item_add(caller=LIFECYCLE, policy=self.policy, data=data)
            charged = selectors.policy_premium_in_force(policy=self.policy) - before
            return {"premium": _money(charged), "refund": "0.00", "status": self._status()}
        data = self._policy_input(
            insurance_input.ScheduledItemChangeIn, values, words={"on": "date"}
        )
        event = insurance.scheduled_item_change(caller=LIFECYCLE, policy=self.policy, data=data)
        return {
            "premium": _money(event.premium),
            "refund": _money(event.refund),
            "status": self._status(),
        }

    def _policy_index(self, args: dict) -> dict:
        words = {"date": "effective_on"}
        values = {words.get(key, key): value for key, value in args.items()}
        data = self._policy_input(
            insurance_input.ValueIndexIn, values, words={"effective_on": "date"}
        )
        index = insurance.value_index_record(caller=LIFECYCLE, data=data)
        return {"value": str(index.value.normalize())}

    def _policy_acquire(self, args: dict) -> dict:
        values = {key: value for key, value in args.items() if key != "date"}
        if "acquired" in values:
            values["acquired_on"] = values.pop("acquired")
        data = self._policy_input(
            insurance_input.NewlyAcquiredItemIn, values, words={"acquired_on": "acquired"}
        )
        acquired = insurance.newly_acquired_item_record(
            caller=LIFECYCLE, policy=self.policy, data=data
        )
        return {"cover_ends": acquired.cover_ends_on.isoformat()}

    def _policy_day(self, args: dict) -> dict:
        if set(args) != {"date"}:
            raise InvalidInput("day", args, "gives only the date the day's work runs for")
        on = today()
        report = insurance.policies_daily(caller=LIFECYCLE, on=on)
        got: dict = {"status": self._status(), **dict(report.done)}
        if report.done.get("notice_given"):
            notice = self.policy.notices.filter(status=PolicyCancellationNotice.PENDING).first()
            if notice is not None:
                got["cancel_on"] = notice.cancel_on.isoformat()
        if report.done.get("renewal_offered"):
            offer = self.policy.renewal_offers.filter(status=PolicyRenewalOffer.OPEN).first()
            if offer is not None:
                got["offer_premium"] = _money(offer.premium)
                got["first_payment"] = _money(offer.first_payment)
                got["offer_limits"] = {ref: terms["limit"] for ref, terms in offer.terms.items()}
        if report.done.get("cancelled_for_nonpayment"):
            got["refund"] = _money(self.policy.cancellation.refund)
        if report.done.get("renewed"):
            got["premium"] = _money(self.policy.premium)
            got["limits"] = {
                item.ref: _money(item.limit) for item in selectors.policy_items(policy=self.policy)
            }
        return got

    def _policy_installments(self, args: dict) -> dict:
        if set(args) - {"date"}:
            raise InvalidInput("installments", args, "gives only the date to look on")
        on = today()
        rows = selectors.policy_installments(self.policy, on=on)
        return {
            "installments": [
                f"{row.due_on.isoformat()} {row.amount:.2f} {row.status}" for row in rows
            ],
            "overdue": _money(selectors.policy_overdue(policy=self.policy, on=on)),
        }

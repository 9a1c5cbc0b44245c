"""The steps of a loss's life in a policy scenario, and the deadlines board on a date.

Like the rest of the player, these only translate: each event becomes one call of a loss
service (or of the board's selector), and its result the keys below. A step names its loss
by `loss: N`, the N-th loss of the scenario (1-based, counting `loss` and `loss_report`
events alike); without it, the latest. Dates are the scenario's words (`date`), and the
event plays on that date.

| event | keys |
|---|---|
| loss_report | `status`, `covered` (false when denied at once), `reason`, `suit_by` |
| proof_request | `status`, `proof_due` |
| loss_agree, award | `status`, `covered`, `payout`, `steps` (A to D), `payment_due`, |
| | `item_removed`, `refund` |
| appraisal_demand | `status`, `appraisers_due` |
| appraiser | `umpire_due` (once both sides have named theirs) |
| umpire, recovery, loss_close | `status` |
| loss_settle | `status`, `settled_by`, `on_time` |
| deadlines | `open` (each `kind due_on`, by the board's order), `overdue` (the same, past due) |
"""

from contextlib import nullcontext

from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set, today
from gemcare.common.errors import InvalidInput
from gemcare.insurance import loss_schemas
from gemcare.insurance import services as insurance
from gemcare.insurance.deadlines import deadlines_open
from gemcare.insurance.models import Loss
from gemcare.partners.models import Retailer
from gemcare.scenarios.words import day_text, event_day, money_text, service_words

LOSS_EVENTS = {
    "loss_report",
    "proof_request",
    "loss_agree",
    "appraisal_demand",
    "appraiser",
    "umpire",
    "award",
    "loss_settle",
    "recovery",
    "loss_close",
    "deadlines",
}
STEPS = Caller.system("scenarios")
# The jeweler a scenario's repair or replacement goes through, unless it names one.
SCENARIO_JEWELER = "scenario"


def loss_words(args: dict, words: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """A loss's arguments (`loss`, `loss_report`) in the service's words (`service_words`):
    a newly acquired item, `newly_acquired: {acquired: date}`, is the date it was acquired."""
    values, back = service_words(args, words)
    newly_acquired = values.pop("newly_acquired", None)
    if newly_acquired is not None:
        if not isinstance(newly_acquired, dict) or set(newly_acquired) != {"acquired"}:
            raise InvalidInput("newly_acquired", newly_acquired, "must be {acquired: date}")
        values["newly_acquired_on"] = newly_acquired["acquired"]
    back["newly_acquired_on"] = "newly_acquired.acquired"
    return values, back


class LossEvents:
    """Mixed into the scenario `Player`: `self.policy` is the scenario's policy."""

    def _scenario_loss(self, values: dict) -> Loss:
        number = values.pop("loss", None)
        losses = list(Loss.objects.filter(policy=self.policy).order_by("id"))
        if not losses:
            raise InvalidInput("loss", number, "no loss has been reported in the scenario")
        if number is None:
            return losses[-1]
        if isinstance(number, bool) or not isinstance(number, int):
            raise InvalidInput("loss", number, "must be the number of a loss in the scenario")
        if not 1 <= number <= len(losses):
            raise InvalidInput("loss", number, f"there are {len(losses)} losses")
        return losses[number - 1]

    def _step_input(self, schema, args: dict, words: dict | None = None) -> tuple[Loss, object]:
        values, back = service_words(args, {"date": "on", **(words or {})})
        loss = self._scenario_loss(values)
        return loss, self._policy_input(schema, values, words=back)

    @staticmethod
    def _amount_got(loss: Loss) -> dict:
        got = {
            "status": loss.status,
            "covered": loss.covered,
            "payout": money_text(loss.payout),
            "steps": dict(loss.steps),
            "payment_due": day_text(loss.payment_due),
            "item_removed": loss.item_removed,
            "refund": money_text(loss.refund),
        }
        if not loss.covered:
            got["reason"] = loss.reason_code
        return got

    def _policy_loss_report(self, args: dict) -> dict:
        words = {
            "date": "loss_on",
            "item": "item_ref",
            "known": "known_on",
            "reported": "reported_on",
        }
        values, back = loss_words(args, words)
        # A loss is reported on its `reported` date (else when the insured knew, else its
        # own date): the report plays on the latest of them, so none of them lies ahead.
        days = [day for day in map(event_day, (args.get("reported"), args.get("known"))) if day]
        with clock_set(max(days)) if days else nullcontext():
            data = self._policy_input(loss_schemas.LossReportIn, values, words=back)
            loss = insurance.loss_report(caller=STEPS, policy=self.policy, data=data)
        got = {"status": loss.status, "suit_by": day_text(loss.suit_by)}
        if loss.status == Loss.DENIED:
            got.update(covered=False, reason=loss.reason_code)
        return got

    def _policy_proof_request(self, args: dict) -> dict:
        loss, data = self._step_input(loss_schemas.LossStepIn, args)
        loss = insurance.loss_proof_request(caller=STEPS, loss=loss, data=data)
        return {"status": loss.status, "proof_due": day_text(loss.proof_of_loss_due)}

    def _policy_loss_agree(self, args: dict) -> dict:
        loss, data = self._step_input(loss_schemas.LossAgreeIn, args)
        return self._amount_got(insurance.loss_agree(caller=STEPS, loss=loss, data=data))

    def _policy_award(self, args: dict) -> dict:
        loss, data = self._step_input(loss_schemas.LossAgreeIn, args)
        return self._amount_got(insurance.loss_appraisal_award(caller=STEPS, loss=loss, data=data))

    def _policy_appraisal_demand(self, args: dict) -> dict:
        loss, data = self._step_input(loss_schemas.AppraisalDemandIn, args)
        loss = insurance.loss_appraisal_demand(caller=STEPS, loss=loss, data=data)
        return {"status": loss.status, "appraisers_due": day_text(loss.appraiser_named_by)}

    def _policy_appraiser(self, args: dict) -> dict:
        loss, data = self._step_input(loss_schemas.AppraiserNameIn, args)
        loss = insurance.loss_appraiser_name(caller=STEPS, loss=loss, data=data)
        return {"status": loss.status, "umpire_due": day_text(loss.umpire_chosen_by)}

    def _policy_umpire(self, args: dict) -> dict:
        loss, data = self._step_input(loss_schemas.UmpireNameIn, args)
        return {"status": insurance.loss_umpire_name(caller=STEPS, loss=loss, data=data).status}

    def _policy_loss_settle(self, args: dict) -> dict:
        values = dict(args)
        if values.get("by") in {Loss.REPAIR, Loss.REPLACEMENT} and "jeweler" not in values:
            Retailer.objects.get_or_create(
                code=SCENARIO_JEWELER, defaults={"name": "Scenario Jewelers"}
            )
            values["jeweler"] = SCENARIO_JEWELER
        loss, data = self._step_input(loss_schemas.LossSettleIn, values)
        loss = insurance.loss_settle(caller=STEPS, loss=loss, data=data)
        return {
            "status": loss.status,
            "settled_by": loss.settled_by,
            "on_time": loss.payment_due is None or loss.settled_on <= loss.payment_due,
        }

    def _policy_recovery(self, args: dict) -> dict:
        values = {"note": "Recovered", **args}
        loss, data = self._step_input(loss_schemas.LossRecoveryIn, values)
        loss = insurance.loss_recovery_record(caller=STEPS, loss=loss, data=data)
        return {"status": loss.status, "recovered": day_text(loss.recovered_on)}

    def _policy_loss_close(self, args: dict) -> dict:
        loss, data = self._step_input(loss_schemas.LossStepIn, args)
        return {"status": insurance.loss_close(caller=STEPS, loss=loss, data=data).status}

    def _policy_deadlines(self, args: dict) -> dict:
        values = dict(args)
        values.pop("date", None)  # the event plays on it: the board is read on today()
        kinds = values.pop("kinds", None)
        if values:
            key = next(iter(values))
            raise InvalidInput(key, values[key], "is not a known field")
        if kinds is not None and (
            not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds)
        ):
            raise InvalidInput("kinds", kinds, "must be a list of deadline kinds")
        on = today()
        found = deadlines_open(caller=STEPS, on=on, policy=self.policy, kinds=kinds)
        return {
            "open": [f"{d.kind} {d.due_on.isoformat()}" for d in found],
            "overdue": [f"{d.kind} {d.due_on.isoformat()}" for d in found if d.is_overdue(on)],
        }

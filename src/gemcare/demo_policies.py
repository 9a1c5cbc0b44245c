"""The demo's insurance policies (`gemcare.demo`): a few policies through the insurance
services, each step on its own day as the platform's clock would have it."""

import datetime as dt
import random

from gemcare.insurance import services as insurance

# The demo policyholder who signs in on the customer site ("my policy"), and the policy the
# demo leaves one installment behind on (its notice comes with the first daily run).
POLICYHOLDER_EMAIL = "policyholder@example.com"
POLICY_BEHIND = 3


def demo_policies_load(
    rng: random.Random, today: dt.date, *, first: list[str], last: list[str]
) -> int:
    """A few policies through the insurance services, each step on its own day as the
    platform's clock would have it: paid up (one a month behind), two losses agreed, one
    reported and waiting for its proof of loss, a newly acquired item not yet scheduled."""
    from gemcare.common.callers import Caller
    from gemcare.common.clock import clock_set
    from gemcare.common.schemas import validate_input
    from gemcare.insurance.loss_schemas import LossReportIn, LossStepIn
    from gemcare.insurance.schemas import (
        LossIn,
        NewlyAcquiredItemIn,
        PolicyBindIn,
        PolicyPaymentIn,
    )
    from gemcare.insurance.selectors import policy_billing_lines

    caller = Caller.system("demo")
    made = 0
    for index, (state, deductible, items) in enumerate(
        [
            ("WI", "100", [("r1", "ring", "8000.00"), ("w1", "watch", "4200.00")]),
            ("CA", "250", [("n1", "necklace", "15500.00")]),
            ("NY", "500", [("r1", "ring", "27000.00"), ("e1", "earrings", "3100.00")]),
            ("TX", "0", [("b1", "bracelet", "2600.00")]),
            ("FL", "1000", [("r1", "ring", "42000.00")]),
        ]
    ):
        start = today - dt.timedelta(days=rng.randint(40, 300))
        email = POLICYHOLDER_EMAIL if index == 0 else f"insured{index}@example.com"
        terms = {
            "named_insureds": [{"name": f"{rng.choice(first)} {rng.choice(last)}", "email": email}],
            "address": f"{100 + index} Elm Street",
            "state": state,
            "start": start,
            "deductible": deductible,
            "items": [{"ref": ref, "kind": kind, "limit": limit} for ref, kind, limit in items],
            "installments": 12 if index % 2 else 1,
        }
        with clock_set(start):
            policy = insurance.policy_bind(caller=caller, data=validate_input(PolicyBindIn, terms))
        made += 1
        due = [line for line in policy_billing_lines(policy=policy) if line.due_on <= today]
        if index == POLICY_BEHIND:
            due = due[:-1]
        for line in due:
            payment = {"paid_on": line.due_on, "amount": line.amount, "reference": "demo"}
            with clock_set(line.due_on):
                insurance.policy_payment_record(
                    caller=caller, policy=policy, data=validate_input(PolicyPaymentIn, payment)
                )
        if index in (0, 2):
            loss_on = start + dt.timedelta(days=15)
            loss = {
                "loss_on": loss_on,
                "peril": "accidental_damage" if index == 0 else "theft",
                "cost": "650.00" if index == 0 else "27500.00",
                "item_ref": "r1",
            }
            with clock_set(loss_on):
                insurance.loss_record(
                    caller=caller, policy=policy, data=validate_input(LossIn, loss)
                )
        if index == 4:
            lost_on = today - dt.timedelta(days=12)
            report = {
                "loss_on": lost_on,
                "peril": "mysterious_disappearance",
                "item_ref": "r1",
                "reported_on": lost_on + dt.timedelta(days=1),
                "place": "Miami, on a cruise ship",
                "description": "The ring was not in the cabin safe when she went to wear it.",
            }
            with clock_set(lost_on + dt.timedelta(days=1)):
                reported = insurance.loss_report(
                    caller=caller, policy=policy, data=validate_input(LossReportIn, report)
                )
            with clock_set(lost_on + dt.timedelta(days=3)):
                insurance.loss_proof_request(
                    caller=caller,
                    loss=reported,
                    data=validate_input(LossStepIn, {"on": lost_on + dt.timedelta(days=3)}),
                )
        if index == 1:
            acquired = {"kind": "ring", "acquired_on": today - dt.timedelta(days=6)}
            with clock_set(today):
                insurance.newly_acquired_item_record(
                    caller=caller,
                    policy=policy,
                    data=validate_input(NewlyAcquiredItemIn, acquired),
                )
    return made

"""Reason codes and the words that go with them.

Every decision carries `Reason`s: a stable code for machines and reports, and a sentence a
jeweler can read to a customer. The sentences are filled with the facts of the case.
"""

from dataclasses import dataclass

WORDS: dict[str, str] = {
    # quotes
    "offered": "This item can be protected for {price}.",
    "item_kind_not_covered": "This plan does not cover a {kind}.",
    "price_below_bands": "Items priced under {low} cannot be protected by this plan.",
    "price_above_bands": "Items priced above {high} cannot be protected by this plan: "
    "offer jewelry insurance instead.",
    # claim checks
    "contract_not_active": "The plan is {status}, so it no longer covers claims.",
    "preexisting": "The damage happened on {incident}, before the plan was bought on "
    "{purchased}; damage from before the plan is not covered.",
    "expired": "The plan's term ended on {term_end}; damage on {incident} is after the term.",
    "return_to_jeweler": "The claim comes within {days} days of the purchase on {purchased}: "
    "the jeweler repairs, replaces or refunds the item under its own return policy.",
    "cause_not_covered": "Damage caused by {cause} is not covered by this plan.",
    "maintenance_not_performed": "The manufacturer's required maintenance was not done, so "
    "the watch is not covered for this damage.",
    # claim lines
    "line_approved": "{service} is covered: {amount} approved.",
    "service_not_covered": "{service} is not a covered service for a {kind}.",
    "water_resistance_required": "Water damage is covered only on a watch recorded as water "
    "resistant.",
    "sizing_limit": "Ring sizing is covered up to {max_sizes} sizes up or down; {sizes} were "
    "asked for.",
    "limit_reached": "The plan pays at most the item's purchase price in all; {remaining} of "
    "it was left, so the amount was cut to that.",
    "limit_exhausted": "The plan has already paid the item's purchase price in all, so "
    "nothing is left to pay.",
    "replacement_not_repairable": "The item cannot be repaired, so it will be replaced with "
    "{replacement} worth {amount}.",
    "replacement_cost_over_price": "The repairs ({cost}) cost more than the item's purchase "
    "price, so the item will be replaced with {replacement} worth {amount}.",
    "needs_review": "An adjuster will confirm this decision before work starts.",
    # refunds
    "duplicate_warranty": "A warranty gives the same coverage, so the full price of "
    "{price} is refunded.",
    "free_look": "Cancelled within {days} days of purchase with no services received: the "
    "plan is void and the full price of {price} is refunded.",
    "before_pickup": "Cancelled before the item was picked up, so the plan never covered it: "
    "it is void and the full price of {price} is refunded.",
    "prorated": "{days_left} of {days_total} days remain of the {years}-year refund term: "
    "{unearned} of the price is unearned.",
    "state_factor": "{state} refunds {factor_percent}% of the unearned amount: {amount}.",
    "services_deducted": "Services already received ({services}) are deducted.",
    "services_not_deducted": "In {state}, services received are not deducted.",
    "late_penalty": "The refund was due on {due} and paid {days_late} days late: "
    "{percent}% is added ({penalty}).",
    # transfers
    "not_transferable": "This plan cannot be transferred.",
    # insurance
    "outside_policy_period": "The loss on {date} is outside the policy period {start} to {end}.",
    "peril_excluded": "Loss caused by {peril} is excluded by the policy.",
    "wear_and_tear": "Wear and tear is excluded, except for prong repairs, earring posts, "
    "clasps, pearl restringing and stone tightening.",
    "newly_acquired_period_over": "Newly acquired jewelry is covered for 30 days from "
    "{acquired} and within the policy period; the loss on {date} is not.",
    "covered_loss": "The loss is covered: {payout} is payable.",
    "total_loss": "This is a total loss: the item leaves the schedule and {refund} of its "
    "premium is refunded.",
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    words: str

    @classmethod
    def of(cls, code: str, template: str | None = None, **facts: object) -> "Reason":
        text = WORDS[template or code]
        return cls(code, text.format(**{key: _show(value) for key, value in facts.items()}))


def _show(value: object) -> str:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return f"${value:,.2f}"
    if isinstance(value, str):
        return value.replace("_", " ")
    return str(value)

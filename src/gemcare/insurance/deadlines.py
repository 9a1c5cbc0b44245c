"""Every clock a policy runs on, in one list: the deadlines board and each policy's page.

A deadline is a date by which someone must act: the insured (proof of loss, a missed
installment, scheduling a newly acquired item, accepting a renewal), the insurer (paying an
agreed loss, the written notice of a cancellation) or both (appraisal, suit). The losses'
deadlines come from `gemcare.insurance.loss_selectors`, the policies' own from
`gemcare.insurance.selectors`; this module only puts them together.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

INSURED = "insured"
INSURER = "insurer"
BOTH = "both"
WHO_WORDS = {INSURED: "The insured", INSURER: "The insurer", BOTH: "Both appraisers"}

# Who acts on the policies' own clocks, by kind, where the deadline does not say.
POLICY_KIND_WHO = {
    "cancellation_notice": INSURED,
    "cancellation": INSURER,
    "renewal_offer": INSURED,
    "newly_acquired_cover": INSURED,
    "installment_due": INSURED,
    "installment_overdue": INSURED,
}

# The kinds the board filters by, with their names.
KIND_NAMES = {
    "proof_of_loss": "Proof of loss",
    "loss_payment": "Payment of a loss",
    "appraiser_insured": "Insured's appraiser",
    "appraiser_insurer": "Insurer's appraiser",
    "umpire": "Umpire",
    "suit_limitation": "Suit limitation",
    "cancellation_notice": "Cancellation notice",
    "cancellation": "Cancellation",
    "renewal_offer": "Renewal",
    "newly_acquired_cover": "Newly acquired cover ends",
    "installment_due": "Installment due",
    "installment_overdue": "Installment overdue",
}


@dataclass(frozen=True)
class Deadline:
    kind: str  # a stable code, e.g. "proof_of_loss", "renewal_offer"
    due_on: dt.date
    policy_number: str
    what: str  # the words the board shows
    loss_id: int | None = None
    item_ref: str | None = None
    who: str = ""  # INSURED, INSURER or BOTH: who must act

    def is_overdue(self, on: dt.date) -> bool:
        return self.due_on < on

    @property
    def who_words(self) -> str:
        return WHO_WORDS.get(self.who, "")

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind.replace("_", " ").capitalize())


def _policy_deadlines(*, caller, on: dt.date, policy) -> list[Deadline]:
    """The policies' own clocks (imported here: the selectors module imports this one)."""
    from gemcare.insurance import selectors

    own = getattr(selectors, "policy_deadlines", None)
    if own is None:
        return []
    return [
        deadline
        if deadline.who
        else dataclasses.replace(deadline, who=POLICY_KIND_WHO.get(deadline.kind, ""))
        for deadline in own(caller=caller, on=on, policy=policy)
    ]


def deadlines_open(
    *, caller, on: dt.date, policy=None, kinds: Iterable[str] | None = None
) -> list[Deadline]:
    """Every open clock the caller may see (on one policy, of some kinds), overdue first,
    then by due date."""
    from gemcare.insurance.loss_selectors import loss_deadlines

    found = loss_deadlines(caller=caller, on=on, policy=policy) + _policy_deadlines(
        caller=caller, on=on, policy=policy
    )
    if kinds is not None:
        wanted = set(kinds)
        found = [deadline for deadline in found if deadline.kind in wanted]
    found.sort(
        key=lambda deadline: (
            not deadline.is_overdue(on),
            deadline.due_on,
            deadline.policy_number,
            deadline.kind,
        )
    )
    return found

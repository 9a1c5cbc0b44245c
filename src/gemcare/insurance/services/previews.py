"""What a change to a policy would charge or refund, shown before it is confirmed.

A cancellation has its own preview (`selectors.policy_cancel_preview`). For an
endorsement (an item added, changed or removed) the preview is the service
itself, run in a transaction that is then rolled back: the figure shown is exactly what
confirming will write (the rules, the period and the recorded changes all apply), nothing
is kept, and no email leaves (emails go only after a commit). Its refusals are the
service's own, shown before anything is asked to be confirmed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from gemcare.insurance.models import Policy
from gemcare.insurance.selectors import policy_premium_in_force


class _RolledBack(Exception):
    def __init__(self, delta: Decimal) -> None:
        super().__init__("preview")
        self.delta = delta


@dataclass(frozen=True, slots=True)
class ChangePreview:
    """The premium a change writes (`charge`) or gives back (`refund`) in the period."""

    charge: Decimal
    refund: Decimal


def policy_change_preview(policy: Policy, change: Callable[[], object]) -> ChangePreview:
    """Run `change` (a service call on `policy`) and undo it: what it moved in premium."""
    before = policy_premium_in_force(policy=policy)
    try:
        with transaction.atomic():
            change()
            raise _RolledBack(policy_premium_in_force(policy=policy) - before)
    except _RolledBack as done:
        delta = done.delta
    policy.refresh_from_db()
    zero = Decimal("0.00")
    return ChangePreview(charge=max(delta, zero), refund=max(-delta, zero))

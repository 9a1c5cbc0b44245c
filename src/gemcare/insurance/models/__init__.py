"""Personal jewelry insurance records (RULEBOOK §6).

A `Policy` row holds the policy's current state (its period, rating, written premium, status)
so that screens and the rules read it in one query. Every change to money, a limit or a status
is also written as a new row that is never edited: a `PolicyEvent` (bound, item added or
removed or changed, limit renewed, cancelled, renewed, expired), a `Loss`, a
`PolicyCancellation`, a `PolicyRenewal`, a `PolicyPayment`. The current-state columns are
only ever changed by the services in `gemcare.insurance.services`, in the same transaction as
the row that explains the change.
"""

from gemcare.insurance.models.losses import Loss, LossEvent, LossFile
from gemcare.insurance.models.policies import (
    INDEX_DIGITS,
    STATE_CHOICES,
    AppendOnly,
    NamedInsured,
    NewlyAcquiredItem,
    Policy,
    PolicyCancellation,
    PolicyCancellationNotice,
    PolicyEvent,
    PolicyPayment,
    PolicyRenewal,
    PolicyRenewalOffer,
    ScheduledItem,
    ScheduledItemFile,
    ValueIndex,
)

__all__ = [
    "INDEX_DIGITS",
    "STATE_CHOICES",
    "AppendOnly",
    "Loss",
    "LossEvent",
    "LossFile",
    "NamedInsured",
    "NewlyAcquiredItem",
    "Policy",
    "PolicyCancellation",
    "PolicyCancellationNotice",
    "PolicyEvent",
    "PolicyPayment",
    "PolicyRenewal",
    "PolicyRenewalOffer",
    "ScheduledItem",
    "ScheduledItemFile",
    "ValueIndex",
]

"""Writing insurance records. Every service takes the caller and its input already read into
a model of `gemcare.insurance.schemas`, is one transaction with its audit entry, locks the
policy through `gemcare.common.locking`, and changes nothing when it refuses."""

from gemcare.insurance.services.changes import policy_cancel, policy_renew
from gemcare.insurance.services.items import scheduled_item_add, scheduled_item_remove
from gemcare.insurance.services.losses import loss_record
from gemcare.insurance.services.policies import policy_bind, policy_quote

__all__ = [
    "loss_record",
    "policy_bind",
    "policy_cancel",
    "policy_quote",
    "policy_renew",
    "scheduled_item_add",
    "scheduled_item_remove",
]

"""Writing insurance records. Every service takes the caller and its input already read into
a model of `gemcare.insurance.schemas`, is one transaction with its audit entry, locks the
policy through `gemcare.common.locking`, and changes nothing when it refuses."""

from gemcare.insurance.services.billing import (
    PaymentRecorded,
    policy_cancellation_notice_carry_out,
    policy_insurer_cancel_for_nonpayment,
    policy_payment_record,
)
from gemcare.insurance.services.changes import policy_cancel, policy_renew
from gemcare.insurance.services.daily import policies_daily
from gemcare.insurance.services.endorsements import scheduled_item_change
from gemcare.insurance.services.files import scheduled_item_file_add
from gemcare.insurance.services.items import scheduled_item_add, scheduled_item_remove
from gemcare.insurance.services.loss_appraisal import (
    loss_appraisal_award,
    loss_appraisal_demand,
    loss_appraiser_name,
    loss_umpire_name,
)
from gemcare.insurance.services.loss_files import loss_files_add
from gemcare.insurance.services.loss_steps import (
    loss_close,
    loss_plan_link,
    loss_proof_request,
    loss_recovery_record,
    loss_settle,
)
from gemcare.insurance.services.losses import loss_agree, loss_record, loss_report
from gemcare.insurance.services.newly_acquired import newly_acquired_item_record
from gemcare.insurance.services.policies import policy_bind, policy_quote
from gemcare.insurance.services.renewals import (
    policy_expire,
    policy_renewal_accept,
    policy_renewal_offer,
    policy_renewal_take_effect,
)
from gemcare.insurance.services.value_indexes import value_index_record

__all__ = [
    "PaymentRecorded",
    "loss_agree",
    "loss_appraisal_award",
    "loss_appraisal_demand",
    "loss_appraiser_name",
    "loss_close",
    "loss_files_add",
    "loss_plan_link",
    "loss_proof_request",
    "loss_record",
    "loss_recovery_record",
    "loss_report",
    "loss_settle",
    "loss_umpire_name",
    "newly_acquired_item_record",
    "policies_daily",
    "policy_bind",
    "policy_cancel",
    "policy_cancellation_notice_carry_out",
    "policy_expire",
    "policy_insurer_cancel_for_nonpayment",
    "policy_payment_record",
    "policy_quote",
    "policy_renew",
    "policy_renewal_accept",
    "policy_renewal_offer",
    "policy_renewal_take_effect",
    "scheduled_item_add",
    "scheduled_item_change",
    "scheduled_item_file_add",
    "scheduled_item_remove",
    "value_index_record",
]

"""The codes an insurance service refuses with, each with the words that explain it."""

from gemcare.common.errors import ErrorCode


class InsuranceError(ErrorCode):
    POLICY_NOT_ACTIVE = "policy_not_active", "The policy is no longer active."
    ITEM_NOT_SCHEDULED = "item_not_scheduled", "The item is not on the policy's schedule."
    DUPLICATE_ITEM_REF = (
        "duplicate_item_ref",
        "Every item of a policy has its own reference.",
    )
    UNKNOWN_PRODUCT = "unknown_product", "There is no published insurance product by that code."
    VALUE_ADJUSTMENT_NOT_ON_POLICY = (
        "value_adjustment_not_on_policy",
        "Only a policy with the insurance value adjustment renews its limits by an index.",
    )
    OUT_OF_ORDER = (
        "out_of_order",
        "A change to a policy may not be dated before a change or loss already recorded in "
        "its period.",
    )
    NOT_IN_PERIOD = "not_in_policy_period", "The date lies outside the policy's current period."
    CANCELLATION_PAST_PAID_COVER = (
        "cancellation_past_paid_cover",
        "An insured's cancellation from a day ahead may not run past the cover paid for.",
    )
    NOT_ALLOWED = "not_allowed", "The caller may not make this change."
    NOTHING_CHANGED = "nothing_changed", "An endorsement changes at least one of the item's terms."
    NOTHING_OVERDUE = (
        "nothing_overdue",
        "A cancellation for non-payment needs an installment that is due and unpaid.",
    )
    NOTICE_PENDING = (
        "cancellation_notice_pending",
        "A notice of cancellation for non-payment is already pending on the policy.",
    )
    RENEWAL_NOT_DUE = (
        "renewal_not_due",
        "A renewal is offered only in the days ahead of the period's end.",
    )
    RENEWAL_ALREADY_OFFERED = (
        "renewal_already_offered",
        "The renewal of this period has already been offered.",
    )
    NO_RENEWAL_OFFER = "no_renewal_offer", "There is no open renewal offer on the policy."
    PERIOD_NOT_OVER = "period_not_over", "A policy expires only when its period has ended."
    RENEWAL_ACCEPTED = (
        "renewal_accepted",
        "The insured accepted the renewal: the policy renews instead of expiring.",
    )
    PAYMENT_MORE_THAN_DUE = (
        "payment_more_than_due",
        "The payment is more than everything the policy still owes.",
    )
    NEWLY_ACQUIRED_PERIOD_OVER = (
        "newly_acquired_period_over",
        "A newly acquired item is covered for 30 days from acquisition, within the period.",
    )
    NEWLY_ACQUIRED_ALREADY_SCHEDULED = (
        "newly_acquired_already_scheduled",
        "That newly acquired item is already on the schedule.",
    )

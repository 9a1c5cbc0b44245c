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
    CANCELLATION_AHEAD = (
        "cancellation_ahead",
        "Only the insurer cancels with a future date, after giving written notice.",
    )
    NOT_ALLOWED = "not_allowed", "The caller may not make this change."

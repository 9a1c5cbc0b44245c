"""The codes a claim service refuses with, each with the words that explain it."""

from gemcare.common.errors import ErrorCode


class ClaimError(ErrorCode):
    INCIDENT_AFTER_FILING = "incident_after_filing", "The incident is dated after the filing."
    NOT_AWAITING_REVIEW = "claim_not_awaiting_review", "This claim is not waiting for a review."
    NEEDS_REVIEW = "claim_needs_review", "An adjuster must confirm this claim first."
    NOT_APPROVED = "claim_not_approved", "Only an approved claim can be fulfilled."
    ABOVE_DECISION = (
        "above_decision",
        "An adjuster may lower the amount the rules allow, not raise it.",
    )
    REPAIR_CENTER_REQUIRED = (
        "repair_center_required",
        "An item shipped for repair names the repair center.",
    )
    REVIEW_NOT_ALLOWED = "review_not_allowed", "Only the provider's adjusters review claims."
    CLAIM_OPEN = (
        "claim_open",
        "A claim on this contract is still open: it is completed or decided before another.",
    )
    NOT_PICKED_UP = (
        "not_picked_up",
        "The item has not been picked up: the plan covers it from the pickup on.",
    )
    COMPLETED = "claim_completed", "The work on this claim is completed: its route is final."
    REPAIR_CENTER_NOT_APPROVED = (
        "repair_center_not_approved",
        "The repair center is not approved by the provider: choose an approved one.",
    )
    REVIEW_NOT_REQUESTABLE = (
        "review_not_requestable",
        "Only a claim the rules denied can be reviewed by a person on request; this one was "
        "not denied by the rules, or an adjuster has already decided it.",
    )
    REVIEW_ALREADY_REQUESTED = (
        "review_already_requested",
        "A person's review of this claim has already been asked for.",
    )
    REASON_REQUIRED = (
        "review_reason_required",
        "A written reason is required to deny a claim or change its amount.",
    )
    ABOVE_ESTIMATE = (
        "above_estimate",
        "An adjuster may approve at most the claim's total estimate, and never more than the "
        "item's purchase price.",
    )
    ABOVE_REMAINING_LIMIT = (
        "above_remaining_limit",
        "The amount is above what the plan's aggregate limit still allows.",
    )
    TOO_MANY_PHOTOS = "too_many_photos", "A claim carries at most 10 photos."

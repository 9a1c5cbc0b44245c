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

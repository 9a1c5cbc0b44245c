"""The codes the customer site's own services answer with, each with its words."""

from gemcare.common.errors import ErrorCode


class CustomerError(ErrorCode):
    CODE_WRONG = "sign_in_code_wrong", "This is not the code we sent."
    CODE_LOCKED = (
        "sign_in_code_locked",
        "Too many wrong codes for this request: ask for a new code.",
    )
    CODE_EXPIRED = (
        "sign_in_code_expired",
        "This code has expired or was already used: ask for a new code.",
    )
    NOT_A_HOLDER = "holder_only", "Only the plan's holder does this, signed in on this site."
    TRANSFER_NOT_OFFERED = (
        "transfer_not_offered",
        "This plan does not transfer to another person.",
    )
    CHANGED_HANDS = (
        "plan_changed_hands",
        "The plan has changed hands since the invitation was sent: it no longer works.",
    )

from gemcare.common.errors import ErrorCode


class PartnerError(ErrorCode):
    NOT_ALLOWED = "not_allowed", "Only the provider's staff and the retailer's managers do this."


class StaffError(ErrorCode):
    USERNAME_TAKEN = "username_taken", "This username is already in use."
    SELF_DEACTIVATION = "cannot_deactivate_self", "A manager does not deactivate their own account."
    LAST_MANAGER = (
        "last_manager",
        "The retailer's last active manager stays: add another manager first.",
    )
    NOT_INVITABLE = (
        "invitation_not_sent",
        "Only an active account with an email is sent the link to choose a password.",
    )

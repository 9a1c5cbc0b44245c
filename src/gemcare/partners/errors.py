from gemcare.common.errors import ErrorCode


class PartnerError(ErrorCode):
    NOT_ALLOWED = "not_allowed", "Only the provider's staff manage API keys."

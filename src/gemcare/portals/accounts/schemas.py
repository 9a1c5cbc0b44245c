"""The input of the account pages that are ours (sign-in and password change are Django's)."""

from gemcare.common.schemas import InputSchema, text


class SecondFactorIn(InputSchema):
    """A code from the authenticator app (six digits) or a recovery code (eight letters and
    digits); spaces and dashes are allowed and ignored."""

    code: text(32, min_length=1)

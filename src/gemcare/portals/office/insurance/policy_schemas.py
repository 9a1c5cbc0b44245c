"""The back office's own query input for the policy list: the search box and the page."""

from gemcare.common.schemas import InputSchema, bounded_int, text

ID_MAX = 2**62


class PolicySearchQuery(InputSchema):
    """A policy's number or part of a named insured's name; `before`: where a page starts."""

    q: text(200) = ""
    before: bounded_int(1, ID_MAX) | None = None

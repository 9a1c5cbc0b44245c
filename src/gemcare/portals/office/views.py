"""The back office: the pages of the provider's staff (the admin is for configuration).

The home page counts what waits for a person and lists the claims waiting longest; the
queue, the claims, the refunds and the search are in `claims`, `refunds` and `search`.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gemcare.claims.selectors import (
    QUEUE_PAGE_MAX,
    claims_awaiting_review,
    claims_review_requested,
)
from gemcare.common.clock import today
from gemcare.portals.web import office_required

# The oldest claims the home page lists by name.
OLDEST_SHOWN = 5


@require_safe
@office_required
def home(request: HttpRequest) -> HttpResponse:
    waiting = claims_awaiting_review(caller=request.caller, limit=QUEUE_PAGE_MAX)
    requested = claims_review_requested(caller=request.caller, limit=QUEUE_PAGE_MAX)
    on = today()
    return render(
        request,
        "portals/office/home.html",
        {
            "awaiting_count": len(waiting),
            "awaiting_more": len(waiting) == QUEUE_PAGE_MAX,
            "requested_count": len(requested),
            "requested_more": len(requested) == QUEUE_PAGE_MAX,
            "oldest": [(claim, (on - claim.filed_on).days) for claim in waiting[:OLDEST_SHOWN]],
            "role": request.user.provider_staff.get_role_display()
            if hasattr(request.user, "provider_staff")
            else "Administrator",
        },
    )

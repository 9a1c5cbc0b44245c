"""The jeweler portal: the pages a retailer's staff use at the counter and in the office.

This module holds the dashboard; the other pages are by family: `sales` (selling at the
counter), `plans` (finding a plan, its page, its certificate), `plan_actions` (return,
cancel, transfer, pickup), and a manager's `staff`, `keys` and `webhooks`.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gemcare.common.clock import today
from gemcare.contracts.dashboard import dashboard_figures
from gemcare.portals.web import jeweler_required


@require_safe
@jeweler_required
def dashboard(request: HttpRequest) -> HttpResponse:
    staff = request.user.retailer_staff
    return render(
        request,
        "portals/jeweler/dashboard.html",
        {
            "retailer": staff.retailer,
            "store": staff.store,
            "role": staff.get_role_display(),
            "is_manager": staff.role == staff.MANAGER,
            "figures": dashboard_figures(caller=request.caller, on=today()),
        },
    )

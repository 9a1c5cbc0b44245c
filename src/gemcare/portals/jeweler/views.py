"""The jeweler portal: the pages a retailer's staff use at the counter and in the office."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gemcare.portals.jeweler.selectors import dashboard_figures
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
            "figures": dashboard_figures(caller=request.caller),
        },
    )

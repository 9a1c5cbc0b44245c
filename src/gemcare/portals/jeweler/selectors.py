"""What the jeweler portal's pages read, always through the caller's scope.

Live records only: test-mode sales and claims (made with a test API key) never count in a
jeweler's figures, as they never reach a live list of the API.
"""

import datetime as dt
from dataclasses import dataclass

from gemcare.claims.models import OPEN_STATUSES
from gemcare.claims.selectors import claims_visible
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.contracts.selectors import contracts_visible


@dataclass(frozen=True, slots=True)
class DashboardFigures:
    month_start: dt.date
    on: dt.date
    plans_sold: int  # sold from the first of the month to today
    open_claims: int  # awaiting review, or approved with the work not yet done


def dashboard_figures(*, caller: Caller) -> DashboardFigures:
    """The caller's plans sold this month (by purchase date, the platform's today) and their
    open claims: a store's for an associate tied to one, the retailer's for a manager."""
    on = today()
    month_start = on.replace(day=1)
    sold = (
        contracts_visible(caller=caller, is_test=False)
        .filter(purchased_on__gte=month_start, purchased_on__lte=on)
        .count()
    )
    open_claims = (
        claims_visible(caller=caller, is_test=False).filter(status__in=OPEN_STATUSES).count()
    )
    return DashboardFigures(
        month_start=month_start, on=on, plans_sold=sold, open_claims=open_claims
    )

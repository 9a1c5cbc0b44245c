"""The figures of a retailer's dashboard: what its staff see first in the jeweler portal.

Always through the caller's scope (an associate tied to a store sees that store's figures, a
manager with none the retailer's), live records only: test-mode sales and claims (made with
a test API key) never count, as they never reach a statement. Each figure costs one query at
most; the plan terms the free-look figure reads are kept per process by the catalog.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce

from gemcare.catalog.models import PUBLISHED, PlanProductVersion
from gemcare.catalog.selectors import plan_terms_by_version_id
from gemcare.claims.models import APPROVED, OPEN_STATUSES
from gemcare.claims.selectors import claims_visible
from gemcare.common.callers import Caller
from gemcare.common.fields import ZERO
from gemcare.contracts.models import ACTIVE, PENDING_PICKUP
from gemcare.contracts.selectors import contracts_visible
from gemcare.rules.adjudication import COUNTED_CLAIM_STATUSES
from gemcare.rules.refunds import HOLDER, VOIDED, CancellationFacts, plan_refund


@dataclass(frozen=True, slots=True)
class SalesFigures:
    count: int
    revenue: Decimal  # the plan prices charged
    commission: Decimal  # what the retailer keeps of them (Contract.commission)


@dataclass(frozen=True, slots=True)
class DashboardFigures:
    on: dt.date
    month_start: dt.date
    today: SalesFigures
    month: SalesFigures  # from the first of the month to `on`, both included
    open_claims: int  # awaiting review, or approved with the work not yet done
    reimbursements_due: int  # approved claims whose work is not reported done yet
    reimbursements_due_amount: Decimal  # at most this is reimbursed for them
    in_free_look: int  # active plans a holder could still cancel for a full refund on `on`
    awaiting_pickup: int  # layaway plans registered, the item not picked up yet

    @property
    def plans_sold(self) -> int:
        """The plans sold this month (what the dashboard's first figure counts)."""
        return self.month.count


def _money(name: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(name, filter=condition), ZERO)


def _sales(caller: Caller, *, on: dt.date, month_start: dt.date) -> tuple[SalesFigures, ...]:
    """Today's and this month's sales, and the plans waiting for pickup: one query.

    A sale counts on its plan's purchase date whatever became of the plan since (a return
    or a cancellation is money going back, which the monthly statement shows on its own day,
    RULEBOOK 9)."""
    today_only, month = Q(purchased_on=on), Q(purchased_on__gte=month_start)
    waiting = Q(status=PENDING_PICKUP)
    found = (
        contracts_visible(caller=caller, is_test=False)
        .filter(Q(purchased_on__gte=month_start, purchased_on__lte=on) | waiting)
        .aggregate(
            today_count=Count("pk", filter=today_only),
            today_revenue=_money("plan_price", today_only),
            today_commission=_money("commission", today_only),
            month_count=Count("pk", filter=month & Q(purchased_on__lte=on)),
            month_revenue=_money("plan_price", month & Q(purchased_on__lte=on)),
            month_commission=_money("commission", month & Q(purchased_on__lte=on)),
            awaiting_pickup=Count("pk", filter=waiting),
        )
    )
    return (
        SalesFigures(found["today_count"], found["today_revenue"], found["today_commission"]),
        SalesFigures(found["month_count"], found["month_revenue"], found["month_commission"]),
        found["awaiting_pickup"],
    )


def _claims(caller: Caller) -> dict:
    """Open claims and the reimbursements due: one query."""
    approved = Q(status=APPROVED)
    return claims_visible(caller=caller, is_test=False).aggregate(
        open_claims=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        due=Count("pk", filter=approved),
        due_amount=_money("approved", approved),
    )


def longest_free_look_days() -> int:
    """The longest free look any published product gives, in any state: no plan sold longer
    ago than that can still be in its free look. One query."""
    found = PlanProductVersion.objects.filter(status=PUBLISHED).aggregate(
        base=Max("free_look_days"), state=Max("state_variations__free_look_days")
    )
    return max(found["base"] or 0, found["state"] or 0)


def _in_free_look(caller: Caller, *, on: dt.date, window: int) -> int:
    """The active plans a holder cancelling on `on` would get back in full because the
    cancellation falls in the free look (RULEBOOK 5 and 5.1), as the rules core decides it
    for each: one query for the candidates, with the claims each one counts."""
    if window <= 0:
        return 0
    candidates = (
        contracts_visible(caller=caller, is_test=False)
        .filter(status=ACTIVE, purchased_on__gte=on - dt.timedelta(days=window))
        .filter(purchased_on__lte=on)
        .annotate(
            claims_filed=Count("claims"),
            services=Sum("claims__approved", filter=Q(claims__status__in=COUNTED_CLAIM_STATUSES)),
        )
        .values_list(
            "product_version_id",
            "state_at_sale",
            "plan_price",
            "purchased_on",
            "claims_filed",
            "services",
        )
    )
    count = 0
    for version_id, state, price, purchased_on, claims_filed, services in candidates:
        decision = plan_refund(
            CancellationFacts(
                terms=plan_terms_by_version_id(version_id),
                state=state,
                plan_price=price,
                purchased_on=purchased_on,
                cancel_on=on,
                by=HOLDER,
                services_received=services or ZERO,
                claims_filed=claims_filed,
            )
        )
        count += decision.status == VOIDED
    return count


def dashboard_figures(*, caller: Caller, on: dt.date) -> DashboardFigures:
    """The caller's figures on `on` (the platform's today, for the page)."""
    month_start = on.replace(day=1)
    today_sales, month_sales, awaiting_pickup = _sales(caller, on=on, month_start=month_start)
    claims = _claims(caller)
    return DashboardFigures(
        on=on,
        month_start=month_start,
        today=today_sales,
        month=month_sales,
        open_claims=claims["open_claims"],
        reimbursements_due=claims["due"],
        reimbursements_due_amount=claims["due_amount"],
        in_free_look=_in_free_look(caller, on=on, window=longest_free_look_days()),
        awaiting_pickup=awaiting_pickup,
    )

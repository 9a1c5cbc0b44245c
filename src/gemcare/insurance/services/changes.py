"""Policy changes: cancelling and renewing (RULEBOOK §6.2)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from gemcare.catalog.selectors import insurance_rating_of
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused, translate_rule_errors
from gemcare.insurance import selectors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import (
    Policy,
    PolicyCancellation,
    PolicyEvent,
    PolicyRenewal,
    ScheduledItem,
)
from gemcare.insurance.schemas import PolicyCancelIn, PolicyRenewIn
from gemcare.insurance.services._common import (
    money_text,
    policy_locked,
    policy_require_active,
    policy_status_change,
    rating_current,
)
from gemcare.rules.insurance import (
    INSURED,
    index_adjusted_limit,
    policy_cancellation_refund,
    policy_period_end,
    quote_policy,
)
from gemcare.rules.money import ZERO


def _latest_change_on(policy: Policy) -> dt.date | None:
    """The last date something happened to the policy in its current period."""
    events = policy.events.filter(period_start=policy.period_start).aggregate(on=Max("on"))["on"]
    losses = policy.losses.filter(loss_on__gte=policy.period_start).aggregate(on=Max("loss_on"))
    dates = [day for day in (events, losses["on"]) if day is not None]
    return max(dates) if dates else None


@transaction.atomic
def policy_cancel(*, caller: Caller, policy: Policy, data: PolicyCancelIn) -> PolicyCancellation:
    """Cancel as of `cancel_on`, refunding from the premium still in force (RULEBOOK §6.2).

    Only the insurer cancels ahead of today, with its written notice; an insured's request
    takes effect on the day it is made or a day already past. Either way the cancellation
    comes after everything already recorded in the period: its refund is computed from them.
    """
    cancel_on, by, notice_on = data.cancel_on, data.by, data.notice_on
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    if by == INSURED and cancel_on > today():
        raise Refused(
            InsuranceError.CANCELLATION_AHEAD,
            f"An insured's cancellation takes effect by today; {cancel_on} is ahead.",
        )
    if not policy.period_start <= cancel_on <= policy.period_end:
        raise InvalidInput(
            "cancel_on",
            cancel_on,
            f"must fall in the policy period {policy.period_start} to {policy.period_end}",
            code=InsuranceError.NOT_IN_PERIOD,
        )
    latest = _latest_change_on(policy)
    if latest is not None and cancel_on < latest:
        raise Refused(
            InsuranceError.OUT_OF_ORDER,
            f"The cancellation on {cancel_on} is dated before a change or loss already "
            f"recorded on {latest}.",
        )
    in_force = selectors.policy_premium_in_force(policy=policy)
    annual_in_force = policy.minimum_top_up + sum(
        (item.premium for item in selectors.policy_items(policy=policy)), ZERO
    )
    with translate_rule_errors():
        refund = policy_cancellation_refund(
            premium_paid=in_force,
            annual_premium_in_force=annual_in_force,
            start=policy.period_start,
            end=policy.period_end,
            cancel_on=cancel_on,
            by=by,
            notice_on=notice_on,
        )
    cancellation = PolicyCancellation.objects.create(
        policy=policy,
        cancel_on=cancel_on,
        by=by,
        notice_on=notice_on,
        premium_in_force=in_force,
        refund=refund,
    )
    PolicyEvent.objects.create(
        policy=policy,
        kind=PolicyEvent.CANCELLED,
        on=cancel_on,
        period_start=policy.period_start,
        refund=refund,
    )
    policy_status_change(policy, Policy.CANCELLED)
    audit_record(
        caller=caller,
        action="policy_cancelled",
        entity=policy,
        data={
            "cancel_on": cancel_on.isoformat(),
            "by": by,
            "premium_in_force": money_text(in_force),
            "refund": money_text(refund),
        },
    )
    return cancellation


@transaction.atomic
def policy_renew(*, caller: Caller, policy: Policy, data: PolicyRenewIn) -> PolicyRenewal:
    """Renew for the next year at the rates in force now (RULEBOOK §6.2).

    With `index_now`, each limit follows the value index from `index_then`, or from the index
    recorded when that limit was set. A limit that did not move keeps the index it was set at,
    so a fall in the index is made up before the limit rises again.
    """
    index_now, index_then = data.index_now, data.index_then
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    if index_now is not None and not policy.value_adjustment:
        raise Refused(
            InsuranceError.VALUE_ADJUSTMENT_NOT_ON_POLICY,
            f"Policy {policy.number} does not have the insurance value adjustment.",
        )
    version = rating_current(policy.rating_version.product.code)
    rating = insurance_rating_of(version)
    items = list(policy.items.filter(status=ScheduledItem.SCHEDULED).order_by("id"))
    new_terms: list[tuple[Decimal, Decimal | None]] = []
    for item in items:
        if index_now is None:
            new_terms.append((item.limit, item.limit_index))
            continue
        then = index_then if index_then is not None else item.limit_index
        if then is None:
            raise InvalidInput(
                "index_then", None, f"is needed: the limit of item {item.ref} has no index"
            )
        with translate_rule_errors():
            limit = index_adjusted_limit(item.limit, index_then=then, index_now=index_now)
        new_terms.append((limit, index_now if limit != item.limit else then))
    with translate_rule_errors():
        quote = quote_policy(
            rating,
            state=policy.state,
            deductible=policy.deductible,
            limits=[limit for limit, _ in new_terms],
            installments=policy.installments,
        )
        start = policy.period_end
        end = policy_period_end(start)

    renewal = PolicyRenewal.objects.create(
        policy=policy,
        period_start=start,
        period_end=end,
        rating_version=version,
        index_then=index_then,
        index_now=index_now,
        limits={
            item.ref: money_text(limit) for item, (limit, _) in zip(items, new_terms, strict=True)
        },
        premium=quote.premium,
        installment=quote.installment,
    )
    PolicyEvent.objects.create(
        policy=policy, kind=PolicyEvent.RENEWED, on=start, period_start=start, premium=quote.premium
    )
    for item, (limit, index), premium in zip(items, new_terms, quote.item_premiums, strict=True):
        PolicyEvent.objects.create(
            policy=policy,
            kind=PolicyEvent.ITEM_RENEWED,
            on=start,
            period_start=start,
            item=item,
            limit=limit,
            previous_limit=item.limit,
            item_premium=premium,
            previous_item_premium=item.premium,
        )
        item.limit, item.limit_index, item.premium = limit, index, premium
        item.save(update_fields=["limit", "limit_index", "premium"])
    policy.rating_version = version
    policy.period_start, policy.period_end = start, end
    policy.premium, policy.installment = quote.premium, quote.installment
    policy.minimum_top_up = quote.premium - sum(quote.item_premiums, ZERO)
    policy.save(
        update_fields=[
            "rating_version",
            "period_start",
            "period_end",
            "premium",
            "installment",
            "minimum_top_up",
        ]
    )
    audit_record(
        caller=caller,
        action="policy_renewed",
        entity=policy,
        data={
            "period_start": start.isoformat(),
            "rating_version": version.number,
            "premium": money_text(quote.premium),
            "limits": renewal.limits,
        },
    )
    return renewal

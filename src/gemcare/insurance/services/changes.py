"""Policy changes: cancelling and renewing (RULEBOOK §6.2)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from gemcare.catalog.models import InsuranceRatingVersion
from gemcare.catalog.selectors import insurance_rating_of
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, Refused, translate_rule_errors
from gemcare.insurance import selectors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import (
    Policy,
    PolicyCancellation,
    PolicyEvent,
    PolicyRenewal,
    PolicyRenewalOffer,
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
    PremiumQuote,
    index_adjusted_limit,
    policy_period_end,
    quote_policy,
)
from gemcare.rules.money import ZERO


@transaction.atomic
def policy_cancel(*, caller: Caller, policy: Policy, data: PolicyCancelIn) -> PolicyCancellation:
    """Cancel as of `cancel_on`, refunding from the premium still in force (RULEBOOK §6.2).

    The insured may ask for a day ahead (the request is recorded now and the cover runs to
    that day); the insurer cancels ahead with its written notice at least ten days before.
    Installments not yet due on the cancellation date are cancelled instead of refunded. The
    checks and the figures are those of `selectors.policy_cancel_preview`.
    """
    policy = policy_locked(caller, policy, policyholder_allowed=True)
    return cancellation_write(
        caller=caller,
        policy=policy,
        figures=selectors.cancellation_figured(
            caller=caller,
            policy=policy,
            cancel_on=data.cancel_on,
            by=data.by,
            notice_on=data.notice_on,
        ),
    )


def cancellation_write(
    *, caller: Caller, policy: Policy, figures: selectors.CancellationPreview
) -> PolicyCancellation:
    """Record a cancellation already checked and figured (the policy locked)."""
    cancel_on, by, notice_on, refund = (
        figures.cancel_on,
        figures.by,
        figures.notice_on,
        figures.refund,
    )
    cancellation = PolicyCancellation.objects.create(
        policy=policy,
        cancel_on=cancel_on,
        by=by,
        notice_on=notice_on,
        premium_in_force=figures.premium_in_force,
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
    policy.renewal_offers.filter(status=PolicyRenewalOffer.OPEN).update(
        status=PolicyRenewalOffer.LAPSED
    )
    audit_record(
        caller=caller,
        action="policy_cancelled",
        entity=policy,
        data={
            "cancel_on": cancel_on.isoformat(),
            "by": by,
            "premium_in_force": money_text(figures.premium_in_force),
            "refund": money_text(refund),
            "installments_cancelled": len(figures.installments_cancelled),
        },
    )
    return cancellation


@dataclass(frozen=True)
class RenewalTerms:
    """The next period's terms: its rating, each item's new limit and the index it was set at,
    and the premium."""

    version: InsuranceRatingVersion
    items: list[ScheduledItem]
    limits: list[tuple[Decimal, Decimal | None]]
    quote: PremiumQuote
    index_then: Decimal | None
    index_now: Decimal | None

    def limits_text(self) -> dict[str, str]:
        return {
            item.ref: money_text(limit)
            for item, (limit, _) in zip(self.items, self.limits, strict=True)
        }


def renewal_terms(
    policy: Policy,
    *,
    index_now: Decimal | None,
    index_then: Decimal | None = None,
    version: InsuranceRatingVersion | None = None,
    limits: dict[str, tuple[Decimal, Decimal | None]] | None = None,
    keep_limits_without_index: bool = False,
) -> RenewalTerms:
    """Price the next period at the rates in force (or `version`), each limit following the
    value index where `index_now` is given, never lowered (RULEBOOK §6.2). `limits` gives
    terms already agreed (an accepted offer) for the items it names. An item whose limit was
    set without an index keeps its limit where `keep_limits_without_index` (the daily offers),
    and is refused otherwise (the scenario's `renew` names `index_then` for it)."""
    version = version or rating_current(policy.rating_version.product.code)
    rating = insurance_rating_of(version)
    items = list(policy.items.filter(status=ScheduledItem.SCHEDULED).order_by("id"))
    new_terms: list[tuple[Decimal, Decimal | None]] = []
    for item in items:
        if limits is not None and item.ref in limits:
            new_terms.append(limits[item.ref])
            continue
        then = index_then if index_then is not None else item.limit_index
        if index_now is None or (then is None and keep_limits_without_index):
            new_terms.append((item.limit, item.limit_index))
            continue
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
    return RenewalTerms(version, items, new_terms, quote, index_then, index_now)


@transaction.atomic
def policy_renew(*, caller: Caller, policy: Policy, data: PolicyRenewIn) -> PolicyRenewal:
    """Renew for the next year at the rates in force now (RULEBOOK §6.2).

    With `index_now`, each limit follows the value index from `index_then`, or from the index
    recorded when that limit was set. A limit that did not move keeps the index it was set at,
    so a fall in the index is made up before the limit rises again.
    """
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    if data.index_now is not None and not policy.value_adjustment:
        raise Refused(
            InsuranceError.VALUE_ADJUSTMENT_NOT_ON_POLICY,
            f"Policy {policy.number} does not have the insurance value adjustment.",
        )
    terms = renewal_terms(policy, index_now=data.index_now, index_then=data.index_then)
    return renewal_apply(caller=caller, policy=policy, terms=terms)


def renewal_apply(*, caller: Caller, policy: Policy, terms: RenewalTerms) -> PolicyRenewal:
    """Start the next period on the anniversary with `terms` (the policy locked)."""
    quote = terms.quote
    start = policy.period_end
    end = policy_period_end(start)
    renewal = PolicyRenewal.objects.create(
        policy=policy,
        period_start=start,
        period_end=end,
        rating_version=terms.version,
        index_then=terms.index_then,
        index_now=terms.index_now,
        limits=terms.limits_text(),
        premium=quote.premium,
        installment=quote.installment,
    )
    PolicyEvent.objects.create(
        policy=policy, kind=PolicyEvent.RENEWED, on=start, period_start=start, premium=quote.premium
    )
    for item, (limit, index), premium in zip(
        terms.items, terms.limits, quote.item_premiums, strict=True
    ):
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
    # The offer of this period, if any, is answered by the renewal itself.
    policy.renewal_offers.filter(
        period_start=start, status__in=[PolicyRenewalOffer.OPEN, PolicyRenewalOffer.ACCEPTED]
    ).update(status=PolicyRenewalOffer.RENEWED)
    policy.rating_version = terms.version
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
            "rating_version": terms.version.number,
            "premium": money_text(quote.premium),
            "limits": renewal.limits,
        },
    )
    return renewal

"""Renewal offers, their acceptance by payment, and expiry (RULEBOOK §6.2).

The daily policy work offers the renewal `RENEWAL_OFFER_DAYS` (45) days ahead of each
anniversary, at the rates in force on the offer's day; with the insurance value adjustment,
each limit follows the value index staff record (`ValueIndex`), from the index at which that
limit was set, never lowered. The offer keeps those terms. Paying the offer's first amount
(the whole premium, or the first installment with its fee), once the provider records it
as received, accepts it; on the anniversary
an accepted offer starts the next period on its terms, and a policy whose offer was not
accepted expires.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from gemcare.catalog.selectors import insurance_rating_of
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import Refused, translate_rule_errors
from gemcare.insurance import selectors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import Policy, PolicyEvent, PolicyRenewal, PolicyRenewalOffer
from gemcare.insurance.schemas import PolicyPaymentIn
from gemcare.insurance.services._common import (
    money_text,
    policy_locked,
    policy_require_active,
    policy_status_change,
)
from gemcare.insurance.services.billing import PaymentRecorded, policy_payment_record
from gemcare.insurance.services.changes import renewal_apply, renewal_terms
from gemcare.insurance.services.notices import declarations_send, renewal_offer_send
from gemcare.rules.insurance import policy_period_end
from gemcare.rules.insurance_lifecycle import (
    RENEWAL_OFFER_DAYS,
    installment_schedule,
    renewal_offer_due,
)


@transaction.atomic
def policy_renewal_offer(*, caller: Caller, policy: Policy, on: dt.date) -> PolicyRenewalOffer:
    """Offer the renewal of the current period, on `on`, at most `RENEWAL_OFFER_DAYS` days
    ahead of its end, once per period."""
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    if not (renewal_offer_due(policy.period_end, on) and on < policy.period_end):
        raise Refused(
            InsuranceError.RENEWAL_NOT_DUE,
            f"The renewal of the period ending {policy.period_end} is offered from "
            f"{policy.period_end - dt.timedelta(days=RENEWAL_OFFER_DAYS)}, before that day.",
        )
    if policy.renewal_offers.filter(period_start=policy.period_end).exists():
        raise Refused(
            InsuranceError.RENEWAL_ALREADY_OFFERED,
            f"The renewal from {policy.period_end} has already been offered.",
        )
    index = selectors.value_index_on(on) if policy.value_adjustment else None
    index_now = index.value if index is not None else None
    terms = renewal_terms(policy, index_now=index_now, keep_limits_without_index=True)
    with translate_rule_errors():
        first = installment_schedule(
            start=policy.period_end,
            premium=terms.quote.premium,
            installments=policy.installments,
            fee=insurance_rating_of(terms.version).installment_fee,
        )[0]
    offer = PolicyRenewalOffer.objects.create(
        policy=policy,
        offered_on=on,
        period_start=policy.period_end,
        period_end=policy_period_end(policy.period_end),
        rating_version=terms.version,
        index_now=index_now,
        terms={
            item.ref: {
                "limit": money_text(limit),
                "index": None if limit_index is None else str(limit_index),
                "premium": money_text(premium),
            }
            for item, (limit, limit_index), premium in zip(
                terms.items, terms.limits, terms.quote.item_premiums, strict=True
            )
        },
        premium=terms.quote.premium,
        installment=terms.quote.installment,
        first_payment=first.amount,
    )
    renewal_offer_send(offer)
    audit_record(
        caller=caller,
        action="policy_renewal_offered",
        entity=policy,
        data={
            "period_start": offer.period_start.isoformat(),
            "rating_version": terms.version.number,
            "premium": money_text(offer.premium),
            "index_now": None if index_now is None else str(index_now),
        },
    )
    return offer


def policy_renewal_accept(
    *, caller: Caller, policy: Policy, data: PolicyPaymentIn
) -> PaymentRecorded:
    """Accept the open renewal offer with money received for it (`policy_payment_record`):
    refused, with nothing written, when no offer is open or the payment does not reach the
    offer's first amount. Like every payment, the provider's record only: a policyholder
    accepting by their own say-so, with nothing received, is refused `not_allowed`."""
    with transaction.atomic():
        locked = policy_locked(caller, policy)
        if not locked.renewal_offers.filter(status=PolicyRenewalOffer.OPEN).exists():
            raise Refused(InsuranceError.NO_RENEWAL_OFFER, InsuranceError.NO_RENEWAL_OFFER.words)
        recorded = policy_payment_record(caller=caller, policy=locked, data=data)
        if not recorded.renewal_accepted:
            offer = locked.renewal_offers.get(status=PolicyRenewalOffer.OPEN)
            raise Refused(
                InsuranceError.NO_RENEWAL_OFFER,
                f"The renewal is accepted by paying {money_text(offer.first_payment)} for it, "
                "after anything already due on the current period.",
            )
        return recorded


def _offer_limits(offer: PolicyRenewalOffer) -> dict[str, tuple[Decimal, Decimal | None]]:
    return {
        ref: (Decimal(terms["limit"]), None if terms["index"] is None else Decimal(terms["index"]))
        for ref, terms in offer.terms.items()
    }


@transaction.atomic
def policy_renewal_take_effect(*, caller: Caller, policy: Policy, on: dt.date) -> PolicyRenewal:
    """On the anniversary, start the period an accepted offer was paid for, on its terms (an
    item scheduled since the offer renews at its own limit, at the offer's rates)."""
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    offer = policy.renewal_offers.filter(
        status=PolicyRenewalOffer.ACCEPTED, period_start=policy.period_end
    ).first()
    if offer is None or on < policy.period_end:
        raise Refused(
            InsuranceError.NO_RENEWAL_OFFER,
            f"No accepted renewal of policy {policy.number} starts by {on}.",
        )
    terms = renewal_terms(
        policy,
        index_now=offer.index_now,
        version=offer.rating_version,
        limits=_offer_limits(offer),
        keep_limits_without_index=True,
    )
    renewal = renewal_apply(caller=caller, policy=policy, terms=terms)
    declarations_send(policy, reason="renewal")
    return renewal


@transaction.atomic
def policy_expire(*, caller: Caller, policy: Policy, on: dt.date) -> Policy:
    """The period has ended without an accepted renewal: the policy becomes `expired` as of
    its period's end, and an offer still open lapses."""
    policy = policy_locked(caller, policy)
    policy_require_active(policy)
    if on < policy.period_end:
        raise Refused(
            InsuranceError.PERIOD_NOT_OVER,
            f"Policy {policy.number} runs until {policy.period_end}.",
        )
    if policy.renewal_offers.filter(
        status=PolicyRenewalOffer.ACCEPTED, period_start=policy.period_end
    ).exists():
        raise Refused(InsuranceError.RENEWAL_ACCEPTED, InsuranceError.RENEWAL_ACCEPTED.words)
    policy.renewal_offers.filter(status=PolicyRenewalOffer.OPEN).update(
        status=PolicyRenewalOffer.LAPSED
    )
    PolicyEvent.objects.create(
        policy=policy,
        kind=PolicyEvent.EXPIRED,
        on=policy.period_end,
        period_start=policy.period_start,
    )
    policy_status_change(policy, Policy.EXPIRED)
    audit_record(
        caller=caller,
        action="policy_expired",
        entity=policy,
        data={"period_end": policy.period_end.isoformat()},
    )
    return policy

"""Factories for the lifecycle tests: payments, endorsements, offers, notices, each through
the real services with its input read into the service's schema first."""

import datetime as dt

from insurance_factories import SYSTEM, bind

from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.insurance import schemas, services
from gemcare.insurance.models import (
    Loss,
    NamedInsured,
    NewlyAcquiredItem,
    Policy,
    PolicyCancellation,
    PolicyCancellationNotice,
    PolicyEvent,
    PolicyPayment,
    PolicyRenewal,
    PolicyRenewalOffer,
    ScheduledItem,
    ScheduledItemFile,
    ValueIndex,
)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def pay(*, policy, paid_on: str, amount: str, caller: Caller = SYSTEM, **fields):
    with clock_set(day(paid_on)):
        data = validate_input(
            schemas.PolicyPaymentIn, {"paid_on": paid_on, "amount": amount, **fields}
        )
        return services.policy_payment_record(caller=caller, policy=policy, data=data)


def change_item(*, policy, caller: Caller = SYSTEM, **fields):
    data = validate_input(schemas.ScheduledItemChangeIn, fields)
    return services.scheduled_item_change(caller=caller, policy=policy, data=data)


def daily(on: str):
    with clock_set(day(on)):
        return services.policies_daily(caller=SYSTEM, on=day(on))


def index_record(effective_on: str, value: str, caller: Caller = SYSTEM):
    data = validate_input(schemas.ValueIndexIn, {"effective_on": effective_on, "value": value})
    return services.value_index_record(caller=caller, data=data)


def acquired_record(*, policy, on: str, caller: Caller = SYSTEM, **fields):
    with clock_set(day(on)):
        data = validate_input(schemas.NewlyAcquiredItemIn, fields)
        return services.newly_acquired_item_record(caller=caller, policy=policy, data=data)


def monthly_policy(**overrides):
    """WI, from 2025-01-01, ring 8000: 96.00 a year, 12 installments of 8.00 + 2.50."""
    return bind(installments=12, **overrides)


def policyholder_of(policy) -> Caller:
    return Caller.policyholder(policy.named_insureds.order_by("id").first())


LIFECYCLE_MODELS = (
    Policy,
    NamedInsured,
    ScheduledItem,
    ScheduledItemFile,
    PolicyEvent,
    Loss,
    PolicyCancellation,
    PolicyCancellationNotice,
    PolicyPayment,
    PolicyRenewal,
    PolicyRenewalOffer,
    NewlyAcquiredItem,
    ValueIndex,
    AuditEntry,
)


def lifecycle_counts() -> dict[str, int]:
    """Rows in every policy table and the audit log: a refusal writes none."""
    return {model.__name__: model.objects.count() for model in LIFECYCLE_MODELS}


def lifecycle_state(policy) -> tuple:
    """The policy's, its items', notices' and offers' columns: a refusal changes none."""
    fresh = Policy.objects.get(pk=policy.pk)
    return (
        fresh.status,
        fresh.premium,
        fresh.period_start,
        fresh.period_end,
        tuple(
            ScheduledItem.objects.filter(policy=policy)
            .order_by("id")
            .values_list("ref", "kind", "description", "limit", "limit_index", "premium", "status")
        ),
        tuple(
            PolicyCancellationNotice.objects.filter(policy=policy)
            .order_by("id")
            .values_list("status", "closed_on")
        ),
        tuple(
            PolicyRenewalOffer.objects.filter(policy=policy)
            .order_by("id")
            .values_list("status", "accepted_on")
        ),
    )

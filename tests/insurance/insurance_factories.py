"""Factories for the insurance tests: a WI policy from 2025-01-01, deductible 100, ring r1 8000.

Policies are made and changed through the real services, the way every door calls them: the
fields are read into the service's schema first (`validate_input`), so a bad value is refused
there exactly as the API or a scenario file would be.
"""

from gemcare.common.callers import Caller
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import Holder
from gemcare.insurance import schemas, services
from gemcare.insurance.models import (
    Loss,
    NamedInsured,
    Policy,
    PolicyCancellation,
    PolicyEvent,
    PolicyRenewal,
    ScheduledItem,
)
from gemcare.partners.models import Retailer, Store

SYSTEM = Caller.system("tests")
RING = {"ref": "r1", "kind": "ring", "description": "Solitaire", "limit": "8000.00"}


def other_callers() -> dict[str, Caller]:
    """Callers who may not see policies: a retailer, one of its stores, a holder."""
    retailer = Retailer(pk=41)
    return {
        "retailer": Caller.retailer(retailer),
        "store": Caller.retailer(retailer, store=Store(pk=42, retailer_id=41)),
        "holder": Caller.holder(Holder(pk=43)),
    }


def bind(*, caller: Caller = SYSTEM, billed_here: bool = True, **overrides):
    """A policy through the real service; its premium counts as paid unless the test records
    payments (`billed_here=True`: only what is recorded counts)."""
    fields = {
        "named_insureds": [{"name": "Ann Lee", "email": "ann@example.com"}],
        "address": "1 Main St, Madison",
        "state": "WI",
        "start": "2025-01-01",
        "deductible": "100",
        "items": [dict(RING)],
    }
    fields.update(overrides)
    return services.policy_bind(
        caller=caller, data=validate_input(schemas.PolicyBindIn, fields), billed_here=billed_here
    )


def quote(*, caller: Caller = SYSTEM, **fields):
    return services.policy_quote(caller=caller, data=validate_input(schemas.PolicyQuoteIn, fields))


def add_item(*, policy, caller: Caller = SYSTEM, **fields):
    data = validate_input(schemas.ScheduledItemAddIn, fields)
    return services.scheduled_item_add(caller=caller, policy=policy, data=data)


def remove_item(*, policy, caller: Caller = SYSTEM, **fields):
    data = validate_input(schemas.ScheduledItemRemoveIn, fields)
    return services.scheduled_item_remove(caller=caller, policy=policy, data=data)


def record_loss(*, policy, caller: Caller = SYSTEM, **fields):
    data = validate_input(schemas.LossIn, fields)
    return services.loss_record(caller=caller, policy=policy, data=data)


def cancel(*, policy, caller: Caller = SYSTEM, **fields):
    data = validate_input(schemas.PolicyCancelIn, fields)
    return services.policy_cancel(caller=caller, policy=policy, data=data)


def renew(*, policy, caller: Caller = SYSTEM, **fields):
    data = validate_input(schemas.PolicyRenewIn, fields)
    return services.policy_renew(caller=caller, policy=policy, data=data)


INSURANCE_MODELS = (
    Policy,
    NamedInsured,
    ScheduledItem,
    PolicyEvent,
    Loss,
    PolicyCancellation,
    PolicyRenewal,
    AuditEntry,
)


def row_counts() -> dict[str, int]:
    """How many rows each insurance table and the audit log hold: to show a refusal wrote none."""
    return {model.__name__: model.objects.count() for model in INSURANCE_MODELS}


def policy_state(policy) -> tuple:
    """A policy's columns and its items' columns, to show a refusal changed none."""
    fresh = Policy.objects.get(pk=policy.pk)
    items = tuple(
        ScheduledItem.objects.filter(policy=policy)
        .order_by("id")
        .values_list("ref", "limit", "limit_index", "premium", "status", "removed_on")
    )
    return (
        fresh.status,
        fresh.premium,
        fresh.period_start,
        fresh.period_end,
        fresh.rating_version_id,
        items,
    )

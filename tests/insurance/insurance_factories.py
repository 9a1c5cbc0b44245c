"""Factories for the insurance tests: a WI policy from 2025-01-01, deductible 100, ring r1 8000.

Policies are made through `policy_bind`, the real service.
"""

from gemcare.common.models import AuditEntry
from gemcare.insurance.models import (
    Loss,
    NamedInsured,
    Policy,
    PolicyCancellation,
    PolicyEvent,
    PolicyRenewal,
    ScheduledItem,
)
from gemcare.insurance.services import policy_bind

RING = {"ref": "r1", "kind": "ring", "description": "Solitaire", "limit": "8000.00"}


def bind(**overrides):
    arguments = {
        "named_insureds": [{"name": "Ann Lee", "email": "ann@example.com"}],
        "address": "1 Main St, Madison",
        "state": "WI",
        "start": "2025-01-01",
        "deductible": "100",
        "items": [dict(RING)],
    }
    arguments.update(overrides)
    return policy_bind(**arguments)


def row_counts() -> dict[str, int]:
    """How many rows each insurance table and the audit log hold: to show a refusal wrote none."""
    models = [
        Policy,
        NamedInsured,
        ScheduledItem,
        PolicyEvent,
        Loss,
        PolicyCancellation,
        PolicyRenewal,
        AuditEntry,
    ]
    return {model.__name__: model.objects.count() for model in models}


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

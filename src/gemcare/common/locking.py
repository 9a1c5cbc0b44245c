"""The one way rows are locked for a change.

Every service that changes a contract, a claim or a policy locks through here, in one order:
a contract before its claims, claims by id, a policy before its items and losses. Two
services that touch the same rows therefore queue instead of deadlocking. Locks last until
the service's transaction ends; on SQLite the whole database is locked by the transaction
instead (`transaction_mode=IMMEDIATE`), which gives the same guarantee.

The hot paths (filing a claim, cancelling) read only the columns they need through a
compiled statement (`RowWriter.get_for_update`); the others lock the whole row.
"""

from collections.abc import Sequence

from django.apps import apps
from django.db import models

from gemcare.common.errors import NotFound


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def contract_lock(contract_id: int, *, fields: Sequence[str] | None = None, writer=None):
    """Lock a contract. With `writer` (a `RowWriter` reading `fields`), only those columns
    are read, through its compiled statement."""
    contract_model = _model("contracts.Contract")
    try:
        if writer is not None:
            return writer.get_for_update(contract_id, fields)
        return contract_model.objects.select_for_update().get(pk=contract_id)
    except contract_model.DoesNotExist:
        raise NotFound("contract", contract_id) from None


def claim_lock(claim_id: int):
    """Lock a claim's contract, then the claim: returns (contract, claim)."""
    claim_model = _model("claims.Claim")
    contract_id = claim_model.objects.filter(pk=claim_id).values_list("contract_id", flat=True)
    contract_id = next(iter(contract_id), None)
    if contract_id is None:
        raise NotFound("claim", claim_id)
    contract = contract_lock(contract_id)
    claim = claim_model.objects.select_for_update().get(pk=claim_id)
    return contract, claim


def contract_claims_lock(contract_id: int) -> list:
    """Lock a contract's claims, in id order (the contract must already be locked)."""
    claim_model = _model("claims.Claim")
    return list(
        claim_model.objects.select_for_update().filter(contract_id=contract_id).order_by("pk")
    )


def policy_lock(policy_id: int):
    """Lock a policy; its items and losses are changed only under this lock."""
    policy_model = _model("insurance.Policy")
    try:
        return policy_model.objects.select_for_update().get(pk=policy_id)
    except policy_model.DoesNotExist:
        raise NotFound("policy", policy_id) from None

"""Writing the audit log. Services call `audit_record` inside their transaction.

The caller is required: a person, a retailer's system, a holder's session, or the system
itself for scheduled work. The tenant is the retailer whose data changed (none for the
provider's own records), so a retailer's history can be read without joins.
"""

from django.db import models
from django.utils import timezone

from gemcare.common.callers import Caller, caller_required
from gemcare.common.models import AuditEntry
from gemcare.common.rows import RowWriter
from gemcare.common.statements import CompiledInsert

AUDIT_ENTRIES = RowWriter(AuditEntry)
_ENTRY_FIELDS = ("actor_id", "actor_label", "retailer_id", "action", "entity", "entity_id", "data")
AUDIT_ROWS = CompiledInsert(AuditEntry, "at", *_ENTRY_FIELDS)


def audit_record(
    *,
    caller: Caller,
    action: str,
    entity: models.Model,
    tenant_id: int | None = None,
    data: dict | None = None,
):
    """Append an entry; a compiled insert, since every service writes one.

    `data` says what changed; for personal data it names the fields, never their values.
    """
    entry = audit_entry(caller=caller, action=action, entity=entity, tenant_id=tenant_id, data=data)
    return AUDIT_ENTRIES.insert(**entry)


def audit_entry(
    *,
    caller: Caller,
    action: str,
    entity: models.Model | type[models.Model],
    tenant_id: int | None = None,
    data: dict | None = None,
    entity_id: object = None,
) -> dict:
    """An entry's values, as `audit_record` writes them, for `audit_write` to write with
    others in one statement (a sale writes the holder's and the contract's together).
    `entity_id`, for an entity not written yet: its model for `entity`, and the reference to
    its id in the statement that writes both (`gemcare.common.statements.Ref`)."""
    caller_required(caller)
    return {
        "actor_id": caller.user_id,
        "actor_label": caller.label,
        "retailer_id": tenant_id if tenant_id is not None else caller.retailer_id,
        "action": action,
        "entity": entity._meta.model_name,
        "entity_id": str(entity.pk) if entity_id is None else entity_id,
        "data": data or {},
    }


def audit_rows(entries: list[dict]) -> list[tuple]:
    """Entries made by `audit_entry` as `AUDIT_ROWS` takes them, all at this instant."""
    now = timezone.now()
    return [(now, *(entry[name] for name in _ENTRY_FIELDS)) for entry in entries]


def audit_write(entries: list[dict]) -> list[int]:
    """Append entries made by `audit_entry`, in order, in one statement; their ids."""
    return AUDIT_ROWS.insert(audit_rows(entries))


def changed_fields(before: dict, after: dict) -> list[str]:
    """The names of the fields whose values differ: what a personal-data audit entry keeps."""
    return sorted(name for name in after if before.get(name) != after[name])

"""Writing the audit log. Services call `audit_record` inside their transaction.

The caller is required: a person, a retailer's system, a holder's session, or the system
itself for scheduled work. The tenant is the retailer whose data changed (none for the
provider's own records), so a retailer's history can be read without joins.
"""

from django.db import models

from gemcare.common.callers import Caller, caller_required
from gemcare.common.models import AuditEntry
from gemcare.common.rows import RowWriter

AUDIT_ENTRIES = RowWriter(AuditEntry)


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
    caller_required(caller)
    return AUDIT_ENTRIES.insert(
        actor_id=caller.user_id,
        actor_label=caller.label,
        retailer_id=tenant_id if tenant_id is not None else caller.retailer_id,
        action=action,
        entity=entity._meta.model_name,
        entity_id=str(entity.pk),
        data=data or {},
    )


def changed_fields(before: dict, after: dict) -> list[str]:
    """The names of the fields whose values differ: what a personal-data audit entry keeps."""
    return sorted(name for name in after if before.get(name) != after[name])

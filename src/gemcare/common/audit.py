"""Writing the audit log. Services call `audit_record` inside their transaction."""

from django.db import models

from gemcare.common.models import AuditEntry
from gemcare.common.rows import RowWriter

AUDIT_ENTRIES = RowWriter(AuditEntry)


def audit_record(*, actor, action: str, entity: models.Model, data: dict | None = None):
    """Append an entry; a compiled insert, since every service writes one."""
    return AUDIT_ENTRIES.insert(
        actor_id=actor.pk if getattr(actor, "pk", None) else None,
        action=action,
        entity=entity._meta.model_name,
        entity_id=str(entity.pk),
        data=data or {},
    )

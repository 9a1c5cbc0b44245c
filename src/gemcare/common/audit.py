"""Writing the audit log. Services call `audit_record` inside their transaction."""

from django.db import models

from gemcare.common.models import AuditEntry


def audit_entry(*, actor, action: str, entity: models.Model, data: dict | None = None):
    """An unsaved entry, for services that write several rows with one bulk insert."""
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        entity=entity._meta.model_name,
        entity_id=str(entity.pk),
        data=data or {},
    )


def audit_record(*, actor, action: str, entity: models.Model, data: dict | None = None):
    entry = audit_entry(actor=actor, action=action, entity=entity, data=data)
    entry.save()
    return entry

"""Writing holders: creating one and changing their details.

Personal data: each change is audited by the names of the fields changed, never their
values, and the functions that receive the values keep them off error pages.
"""

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from gemcare.common.audit import audit_record, changed_fields
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import NotFound
from gemcare.contracts.models import Holder
from gemcare.contracts.schemas import HolderChangesIn, HolderIn
from gemcare.contracts.selectors import holders_visible


@sensitive_variables()
@transaction.atomic
def holder_create(*, caller: Caller, holder: HolderIn, tenant_id: int | None = None) -> Holder:
    """A new holder; the audit entry names the fields given, never their values."""
    values = holder.stored()
    created = Holder.objects.create(**values)
    audit_record(
        caller=caller,
        action="holder_created",
        entity=created,
        tenant_id=tenant_id,
        data={"fields": sorted(name for name, value in values.items() if value)},
    )
    return created


@sensitive_variables()
@transaction.atomic
def holder_update(*, caller: Caller, holder: Holder, changes: HolderChangesIn) -> Holder:
    """Change a holder's details; the audit entry names the fields changed, never values."""
    caller_required(caller)
    try:
        locked = holders_visible(caller=caller).select_for_update().get(pk=holder.pk)
    except Holder.DoesNotExist:
        raise NotFound("holder", holder.pk) from None
    after = changes.stored()
    before = {name: getattr(locked, name) for name in after}
    changed = changed_fields(before, after)
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, after[name])
    locked.save(update_fields=changed)
    audit_record(
        caller=caller,
        action="holder_updated",
        entity=locked,
        tenant_id=caller.retailer_id,
        data={"fields": changed},
    )
    return locked

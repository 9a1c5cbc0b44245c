"""Writing holders: creating one and changing their details.

Personal data: each change is audited by the names of the fields changed, never their
values, and the functions that receive the values keep them off error pages.
"""

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from gemcare.common.audit import audit_entry, audit_record, audit_write, changed_fields
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import NotFound
from gemcare.common.statements import CompiledInsert
from gemcare.contracts.models import Holder
from gemcare.contracts.schemas import HolderChangesIn, HolderIn
from gemcare.contracts.selectors import holders_visible

# Every sale makes a holder: a compiled insert, which encrypts the sensitive fields through
# their own field (`EncryptedTextField.get_prep_value`) exactly as `save()` does.
HOLDERS = CompiledInsert(Holder)


@sensitive_variables()
@transaction.atomic
def holder_create(*, caller: Caller, holder: HolderIn, tenant_id: int | None = None) -> Holder:
    """A new holder; the audit entry names the fields given, never their values."""
    created, audit = holder_insert(caller=caller, holder=holder, tenant_id=tenant_id)
    audit_write([audit])
    return created


@sensitive_variables()
def holder_insert(
    *, caller: Caller, holder: HolderIn, tenant_id: int | None = None
) -> tuple[Holder, dict]:
    """`holder_create` inside the caller's own transaction, which must write the audit entry
    it returns (`audit_write`, with its own entries in one statement)."""
    values, given = holder_row(holder)
    created = HOLDERS.instance(values, HOLDERS.insert([values])[0])
    audit = audit_entry(
        caller=caller,
        action="holder_created",
        entity=created,
        tenant_id=tenant_id,
        data={"fields": given},
    )
    return created, audit


@sensitive_variables()
def holder_row(holder: HolderIn) -> tuple[list, list[str]]:
    """A new holder's row as `HOLDERS` writes it, and the names of the fields given (what
    its audit entry keeps, never the values): for a statement that writes it with others
    (the sale's)."""
    values = holder.stored()
    return HOLDERS.row(**values), sorted(name for name, value in values.items() if value)


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

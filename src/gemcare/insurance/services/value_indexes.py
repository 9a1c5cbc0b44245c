"""The value index of the insurance value adjustment: data the provider's staff maintain.

A value holds from its `effective_on` until the next one; renewal offers read the one in
force on their day. A value already used by an offer or a limit is history: it is never
changed, and a correction is a new value from a later day.
"""

from django.db import transaction

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput
from gemcare.insurance.models import ValueIndex
from gemcare.insurance.schemas import ValueIndexIn
from gemcare.insurance.services._common import require_provider


@transaction.atomic
def value_index_record(*, caller: Caller, data: ValueIndexIn) -> ValueIndex:
    """Record the index value in force from `effective_on`."""
    require_provider(caller)
    if ValueIndex.objects.filter(effective_on=data.effective_on).exists():
        raise InvalidInput(
            "effective_on", data.effective_on, "already has a value: record a later day"
        )
    index = ValueIndex.objects.create(
        effective_on=data.effective_on, value=data.value, note=data.note
    )
    audit_record(
        caller=caller,
        action="value_index_recorded",
        entity=index,
        data={"effective_on": data.effective_on.isoformat(), "value": str(data.value)},
    )
    return index

"""What every contract service shares: numbers, the contract's lock, the date order, the
status table, and the rows it writes."""

import datetime as dt
import secrets

from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import (
    CommonError,
    NotFound,
    Refused,
)
from gemcare.common.locking import contract_lock
from gemcare.common.rows import RowWriter
from gemcare.contracts.errors import ContractError
from gemcare.contracts.models import (
    TRANSITIONS,
    Cancellation,
    Contract,
    ContractEvent,
)
from gemcare.contracts.selectors import (
    contract_is_visible,
)

# What a service needs to know of a locked contract to check the caller and the date order.
SCOPE_FIELDS = ("number", "retailer_id", "store_id", "holder_id", "last_event_on")
# Cancelling is a bulk path (returns files, provider runs): compiled statements, like claims.
CANCELLATION_FIELDS = (
    *SCOPE_FIELDS,
    "product_version_id",
    "status",
    "state_at_sale",
    "plan_price",
    "purchased_on",
)
CONTRACTS = RowWriter(Contract).reading(*CANCELLATION_FIELDS)
CONTRACT_EVENTS = RowWriter(ContractEvent)
CANCELLATIONS = RowWriter(Cancellation)

NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
# A contract that can no longer be reviewed, fulfilled or approved on. `exhausted` is not
# among them: the replacement that used the last of the limit is still confirmed and fulfilled.
NO_LONGER_ACTIVE = frozenset({"voided", "cancelled", "expired", "replaced"})
# The reason recorded on the cancellation a return makes (not one a caller gives).
ITEM_RETURNED = "item_returned"


def new_number(prefix: str) -> str:
    """A short, unguessable, readable reference (40 random bits: 8 of the 32 characters)."""
    number, characters = secrets.randbits(40), []
    for _ in range(8):
        number, digit = divmod(number, 32)
        characters.append(NUMBER_ALPHABET[digit])
    return prefix + "".join(characters)


# --- checks every contract service shares -----------------------------------------------------


def contract_locked_for(
    caller: Caller, contract: Contract, *, fields=None, writer=None
) -> Contract:
    """Lock the contract for a change by `caller`: "not found" if it is not the caller's."""
    caller_required(caller)
    locked = contract_lock(contract.pk, fields=fields, writer=writer)
    if not contract_is_visible(locked, caller=caller):
        raise NotFound("contract", contract.number)
    return locked


def event_order_check(contract: Contract, on: dt.date, *, what: str) -> None:
    """RULEBOOK 3: an event may not be dated before the latest one already on the contract."""
    if on < contract.last_event_on:
        raise Refused(
            ContractError.OUT_OF_ORDER,
            f"The {what} is dated {on.isoformat()}, before {contract.last_event_on.isoformat()}, "
            "the latest event already recorded on the contract.",
        )


def contract_status_change(
    contract: Contract, to_status: str, *, on: dt.date, kind: str, data: dict | None = None
) -> None:
    """Move a locked contract along the transition table, with its event row."""
    if to_status not in TRANSITIONS[contract.status]:
        raise Refused(
            CommonError.ILLEGAL_TRANSITION,
            f"A {contract.status} contract cannot become {to_status}.",
        )
    CONTRACT_EVENTS.insert(
        contract_id=contract.pk,
        on=on,
        kind=kind,
        from_status=contract.status,
        to_status=to_status,
        data=data or {},
    )
    contract.status = to_status

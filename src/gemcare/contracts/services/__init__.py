"""Writing contracts and holders: sell, transfer, cancel with refund, record a refund payment.

Each service takes the `Caller` and the typed input (`gemcare.contracts.schemas`, checked
once at the edge), is one transaction that locks through `gemcare.common.locking` and writes
its audit entry with the tenant, and checks everything before it writes, so a refused call
changes nothing. Events on a contract happen in date order (RULEBOOK 3): each dated event is
checked against `Contract.last_event_on` and moves it forward.

By sub-domain: `sales` (the store, the quote, the sale), `changes` (transfer, cancellation,
return, pickup, refund payment), and what both share in `_common`. `contracts_expire` lives
in `gemcare.contracts.expiry`.
"""

from gemcare.contracts.services._common import (
    NO_LONGER_ACTIVE,
    SCOPE_FIELDS,
    contract_locked_for,
    contract_status_change,
    event_order_check,
    new_number,
)
from gemcare.contracts.services.changes import (
    contract_cancel,
    contract_pickup,
    contract_return,
    contract_transfer,
    refund_payment_record,
)
from gemcare.contracts.services.sales import (
    contract_quote,
    contract_sell,
    sale_reads,
    sale_store_get,
    sale_store_read,
)

__all__ = [
    "NO_LONGER_ACTIVE",
    "SCOPE_FIELDS",
    "contract_cancel",
    "contract_locked_for",
    "contract_pickup",
    "contract_quote",
    "contract_return",
    "contract_sell",
    "contract_status_change",
    "contract_transfer",
    "event_order_check",
    "new_number",
    "refund_payment_record",
    "sale_reads",
    "sale_store_get",
    "sale_store_read",
]

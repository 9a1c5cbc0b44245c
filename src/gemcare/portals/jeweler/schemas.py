"""The jeweler portal's input: the API's schemas, with what a counter adds to them.

Each one extends the domain's or the API's own schema, so a value the API refuses is refused
here in the same words; the counter only asks for more.
"""

from pydantic import Field, StrictBool, ValidationInfo, field_validator

from gemcare.api.schemas import CONTRACT_STATUSES, TransferToIn
from gemcare.common.schemas import InputSchema, bounded_int, code, invalid, max_length_of, text
from gemcare.contracts.models import Holder
from gemcare.contracts.schemas import HolderIn, SaleIn
from gemcare.partners.models import Store
from gemcare.webhooks.schemas import EndpointIn

# The largest id a cursor may name (a 64-bit key).
MAX_ID = 2**63 - 1
CONTACT_REQUIRED = (
    "is required when there is no email or phone: give an email, a phone number or a postal address"
)


class CounterHolderIn(HolderIn):
    """A holder registered at the counter: the API's holder, and a way to reach them.

    The partner API takes a holder with a name and a state alone (a point of sale may hold
    the rest elsewhere). At the counter the person is there to ask, and the platform must be
    able to reach whoever holds the plan: the certificate, a refund notice, a claim's
    decision go to them. So an email is optional, but without one a phone number or a
    postal address is required. The error names the address, the last of the three."""

    address: text(max_length_of(Holder, "address")) = Field(default="", validate_default=True)

    @field_validator("address")
    @classmethod
    def _reachable(cls, address: str, info: ValidationInfo) -> str:
        if "email" not in info.data or "phone" not in info.data:
            return address  # the email or the phone is wrong already: that error is shown
        if not (address or info.data["email"] or info.data["phone"]):
            raise invalid(CONTACT_REQUIRED)
        return address


class CounterSaleIn(SaleIn):
    """A plan sold at the counter: the domain's sale, with a holder who can be reached (and
    so a gift's recipient too, who holds the plan from the sale on), and the store it is sold
    in for a manager who works across stores (an associate's is their own)."""

    holder: CounterHolderIn
    gift_recipient: CounterHolderIn | None = None
    store: text(max_length_of(Store, "code")) = ""


class CounterTransferIn(TransferToIn):
    """A transfer at the counter: the API's, to a new holder who can be reached."""

    holder: CounterHolderIn


class PlanSearchIn(InputSchema):
    """The plan finder's box, its status filter and the page it is on."""

    q: text(200) = ""
    status: code(CONTRACT_STATUSES, "plan status") | None = None
    before: bounded_int(1, MAX_ID) | None = None


class DeliveriesPageIn(InputSchema):
    """Which page of an endpoint's delivery log."""

    before: bounded_int(1, MAX_ID) | None = None


class EndpointFormIn(EndpointIn):
    """A webhook endpoint registered by a manager: the API's, and its mode (a test endpoint
    receives only the events of test-mode records, made with a test API key)."""

    is_test: StrictBool = False

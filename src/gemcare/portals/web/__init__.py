"""What every portal page is built from (one import for views: `from gemcare.portals.web
import ...`).

- callers: `portal_caller`, `customer_caller`, `holder_session_open` / `holder_session_close`
- access: `jeweler_required`, `office_required`, `customer_required` (they set
  `request.caller`)
- errors: `application_error_page` and the middleware that applies it to every portal page
- forms: `form_read`, `form_errors`, `FormState`
"""

from gemcare.portals.web.access import customer_required, jeweler_required, office_required
from gemcare.portals.web.callers import (
    customer_caller,
    holder_session_close,
    holder_session_open,
    portal_caller,
    provider_caller,
    retailer_caller,
)
from gemcare.portals.web.errors import PortalErrorMiddleware, application_error_page
from gemcare.portals.web.forms import FormState, form_data, form_errors, form_name, form_read

__all__ = [
    "FormState",
    "PortalErrorMiddleware",
    "application_error_page",
    "customer_caller",
    "customer_required",
    "form_data",
    "form_errors",
    "form_name",
    "form_read",
    "holder_session_close",
    "holder_session_open",
    "jeweler_required",
    "office_required",
    "portal_caller",
    "provider_caller",
    "retailer_caller",
]

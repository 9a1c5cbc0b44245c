"""The partner API, version 1: mounted at /api/v1/ (config/urls.py).

A thin layer: endpoints turn HTTP into calls of the services and selectors, with the key's
caller; no rule is computed here. Every endpoint needs a key (`ApiKeyAuth`) and counts
against the key's rate limit; errors take one shape (`gemcare.api.errors`).
"""

from ninja import NinjaAPI

from gemcare.api import errors
from gemcare.api.auth import ApiKeyAuth
from gemcare.api.parser import StrictJsonParser

# POST /contracts and the changes on a contract, on the contracts router.
from gemcare.api.routers import contract_changes, sales  # noqa: F401
from gemcare.api.routers.claims import router as claims_router
from gemcare.api.routers.contracts import router as contracts_router
from gemcare.api.routers.products import router as products_router
from gemcare.api.routers.quotes import router as quotes_router
from gemcare.api.routers.webhooks import router as webhooks_router
from gemcare.api.throttling import KeyRateThrottle

DESCRIPTION = """\
The Gemcare partner API for point-of-sale systems: products, cart quotes, plan sales,
contracts and claims. Authenticate with `Authorization: Bearer gck_live_…` (or a
`gck_test_…` key for test mode). Every error is `{"error": {"code", "message", "field"}}`.
Amounts are strings with two decimals; dates are ISO 8601 (YYYY-MM-DD).
See docs/partner-api.md for a whole checkout.
"""


class PartnerApi(NinjaAPI):
    """The API, whose OpenAPI document is made once per process: it describes the code, which
    does not change while the process runs, and making it takes about a second."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        cached = self.__dict__.setdefault("_openapi_documents", {})
        if key not in cached:
            cached[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return cached[key]


api = PartnerApi(
    title="Gemcare partner API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=ApiKeyAuth(),
    throttle=[KeyRateThrottle()],
    parser=StrictJsonParser(),
)
errors.install(api)

api.add_router("/products", products_router)
api.add_router("/quotes", quotes_router)
api.add_router("/contracts", contracts_router)
api.add_router("/claims", claims_router)
api.add_router("/webhooks", webhooks_router)

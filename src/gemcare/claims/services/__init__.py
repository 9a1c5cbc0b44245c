"""Writing claims: file and decide, review (and ask for a person's review), add photos,
route the work, fulfil and reimburse.

Every service takes the `Caller` and the typed input (`gemcare.claims.schemas`), locks the
contract before the claim (`gemcare.common.locking`), is one transaction with its audit
entry, and keeps the contract's date order (RULEBOOK 3): a claim's filing and a fulfilment
may not be dated before the latest event on the contract. Webhooks and emails leave after
the commit.
"""

from gemcare.claims.services.filing import (
    CLAIM_DECISIONS,
    CLAIM_LINES,
    CLAIMS,
    CONTRACT_FACT_FIELDS,
    CONTRACTS,
    STATUS_OF_DECISION,
    claim_facts_of,
    claim_file,
    claim_line_results,
)
from gemcare.claims.services.photos import claim_photos_add
from gemcare.claims.services.reviews import claim_review, claim_review_request
from gemcare.claims.services.work import claim_fulfil, claim_route

__all__ = [
    "CLAIMS",
    "CLAIM_DECISIONS",
    "CLAIM_LINES",
    "CONTRACTS",
    "CONTRACT_FACT_FIELDS",
    "STATUS_OF_DECISION",
    "claim_facts_of",
    "claim_file",
    "claim_fulfil",
    "claim_line_results",
    "claim_photos_add",
    "claim_review",
    "claim_review_request",
    "claim_route",
]

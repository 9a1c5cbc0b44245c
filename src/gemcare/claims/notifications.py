"""Telling the holder a claim's decision: an email after the commit, if they have an email.

Sent when the decision changes: a claim filed through the jeweler portal (`claim_file`
with `notify_holder`) and every adjuster's review. Neither partners nor stores have an
email on record, so the holder alone is written to; the jeweler sees the decision on the
claim's page and, with a webhook, `claim.decided`. In tests the task backend keeps the
message in its table unless a test runs tasks at once (tests/common/test_email.py), and a
test's transaction never commits, so nothing is sent where no mail is expected.
"""

from gemcare.claims.models import AWAITING_REVIEW, DENIED, Claim
from gemcare.claims.selectors import claim_lines, claim_reason_words
from gemcare.common.email import email_send
from gemcare.contracts.models import Contract

TEMPLATE = "claim_decision"


def claim_decision_context(claim: Claim, *, adjuster_note: str | None = None) -> dict | None:
    """What the decision email says, or None when the holder has no email. `adjuster_note`
    is the reason of an adjuster's decision (None for the rules' own)."""
    contract = (
        Contract.objects.filter(pk=claim.contract_id)
        .values("number", "item_kind", "item_description", "holder__name", "holder__email")
        .first()
    )
    if contract is None or not contract["holder__email"]:
        return None
    lines = claim_lines(claim)
    return {
        "to": contract["holder__email"],
        "name": contract["holder__name"],
        "claim_number": claim.number,
        "contract_number": contract["number"],
        "item": contract["item_description"] or contract["item_kind"],
        "decision": claim.decision,
        "reason_words": claim_reason_words(claim, lines),
        "approved": claim.approved,
        "holder_share": claim.holder_share,
        "awaiting_review": claim.status == AWAITING_REVIEW,
        "fulfilment": claim.fulfilment,
        "lines": lines,
        "by_adjuster": adjuster_note is not None,
        "note": adjuster_note or "",
        # A denial by the rules alone may go to a person, once (RULEBOOK 4).
        "review_requestable": claim.status == DENIED
        and adjuster_note is None
        and claim.review_requested_on is None,
    }


def claim_decision_notify(claim: Claim, *, adjuster_note: str | None = None) -> None:
    """Email the holder the claim's decision once the change commits (nothing if it rolls
    back, nothing to a holder without an email)."""
    context = claim_decision_context(claim, adjuster_note=adjuster_note)
    if context is None:
        return
    email_send(to=context.pop("to"), template=TEMPLATE, context=context)

"""Telling the holder and the jeweler a claim's decision: emails after the commit.

Sent when the decision changes: a claim filed through the jeweler portal or the customer
site (`claim_file` with `notify_holder`) and every adjuster's review (RULEBOOK 4: the holder
and the jeweler are told). The partner API and bulk files send nothing: the point of sale
tells the customer itself.

- The holder, if they have an email, is written to each time.
- The claim's jeweler is written to at the store's email, else the retailer's, when someone
  other than the jeweler made the decision: every adjuster's review, and the rules' decision
  on a claim the holder filed on the customer site (the jeweler filed the others and read the
  decision on the claim's page). The jeweler's email says only what its claim's page in the
  jeweler portal shows (no holder contact details) and links to that page. A jeweler with
  no email on record is not written to.

Both emails are rendered in the decision's transaction and sent after it commits: a
decision refused or rolled back sends nothing. In tests the task backend keeps the message
in its table unless a test runs tasks at once (tests/common/test_email.py), and a test's
transaction never commits, so nothing is sent where no mail is expected.
"""

from django.conf import settings
from django.urls import reverse

from gemcare.claims.models import APPROVED, AWAITING_REVIEW, DENIED, Claim, ClaimLine
from gemcare.claims.selectors import claim_lines, claim_reason_words
from gemcare.common.email import email_send
from gemcare.contracts.models import Contract

TEMPLATE = "claim_decision"
JEWELER_TEMPLATE = "claim_decision_jeweler"
CONTRACT_FIELDS = (
    "number",
    "item_kind",
    "item_description",
    "holder__name",
    "holder__email",
    "store__name",
    "store__email",
    "retailer__name",
    "retailer__email",
)


def _decision_facts(claim: Claim, lines: list[ClaimLine], *, adjuster_note: str | None) -> dict:
    """What both emails say of the decision itself."""
    return {
        "claim_number": claim.number,
        "decision": claim.decision,
        "reason_words": claim_reason_words(claim, lines),
        "approved": claim.approved,
        "holder_share": claim.holder_share,
        "awaiting_review": claim.status == AWAITING_REVIEW,
        "fulfilment": claim.fulfilment,
        "lines": lines,
        "by_adjuster": adjuster_note is not None,
        "note": adjuster_note or "",
    }


def _contract_of(claim: Claim) -> dict | None:
    return Contract.objects.filter(pk=claim.contract_id).values(*CONTRACT_FIELDS).first()


def claim_decision_context(
    claim: Claim,
    *,
    adjuster_note: str | None = None,
    contract: dict | None = None,
    lines: list[ClaimLine] | None = None,
) -> dict | None:
    """What the holder's email says, or None when the holder has no email. `adjuster_note`
    is the reason of an adjuster's decision (None for the rules' own)."""
    contract = contract if contract is not None else _contract_of(claim)
    if contract is None or not contract["holder__email"]:
        return None
    lines = lines if lines is not None else claim_lines(claim)
    return {
        "to": contract["holder__email"],
        "name": contract["holder__name"],
        "contract_number": contract["number"],
        "item": contract["item_description"] or contract["item_kind"],
        **_decision_facts(claim, lines, adjuster_note=adjuster_note),
        # A denial by the rules alone may go to a person, once (RULEBOOK 4).
        "review_requestable": claim.status == DENIED
        and adjuster_note is None
        and claim.review_requested_on is None,
    }


def jeweler_told(claim: Claim, *, adjuster_note: str | None) -> bool:
    """Whether the jeweler hears of this decision: one an adjuster made, or the rules' own on
    a claim the holder filed without the jeweler."""
    return adjuster_note is not None or claim.channel == Claim.CUSTOMER


def claim_decision_jeweler_context(
    claim: Claim,
    *,
    adjuster_note: str | None = None,
    contract: dict | None = None,
    lines: list[ClaimLine] | None = None,
) -> dict | None:
    """What the jeweler's email says, or None when neither the store nor the retailer has an
    email. Only what the claim's page in the jeweler portal shows."""
    contract = contract if contract is not None else _contract_of(claim)
    if contract is None:
        return None
    address = contract["store__email"] or contract["retailer__email"]
    if not address:
        return None
    lines = lines if lines is not None else claim_lines(claim)
    path = reverse("jeweler:claim", args=[claim.number])
    return {
        "to": address,
        "retailer": contract["retailer__name"],
        "store": contract["store__name"],
        "holder_name": contract["holder__name"],
        "contract_number": contract["number"],
        "item": contract["item_description"] or contract["item_kind"],
        "filed_by_holder": claim.channel == Claim.CUSTOMER,
        "work_may_start": claim.status == APPROVED,
        "link": settings.GEMCARE_PUBLIC_URL.rstrip("/") + path,
        **_decision_facts(claim, lines, adjuster_note=adjuster_note),
    }


def claim_decision_notify(claim: Claim, *, adjuster_note: str | None = None) -> None:
    """Email the claim's decision once the change commits: to the holder, if they have an
    email, and to the jeweler when `jeweler_told` says so and it has an email (nothing if the
    change rolls back)."""
    contract = _contract_of(claim)
    if contract is None:
        return
    lines = claim_lines(claim)
    holder = claim_decision_context(
        claim, adjuster_note=adjuster_note, contract=contract, lines=lines
    )
    if holder is not None:
        email_send(to=holder.pop("to"), template=TEMPLATE, context=holder)
    if not jeweler_told(claim, adjuster_note=adjuster_note):
        return
    jeweler = claim_decision_jeweler_context(
        claim, adjuster_note=adjuster_note, contract=contract, lines=lines
    )
    if jeweler is not None:
        email_send(to=jeweler.pop("to"), template=JEWELER_TEMPLATE, context=jeweler)

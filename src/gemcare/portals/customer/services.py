"""The customer site's writes: transfer invitations, a holder's claim and cancellation
(sign-in codes: `customer.sign_ins`).

Each is one transaction that ends in the contract or claim services with the holder's
caller, so the rules, the locks and the audit are theirs; these add what the site itself
keeps and sends (invitations, emails after commit).

A claim filed here is the holder's (`channel` "customer"): a line for which the holder has
no estimate is filed at an equal share of what the plan can pay for the item (its purchase
price; on a plan with an aggregate limit, what is left of it) after the lines that have
one. The decision then covers the repair up to that amount, and the jeweler or repair center
is reimbursed its actual cost, never more (`claim_fulfil`); docs/customer-site.md.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gemcare.claims.models import Claim
from gemcare.claims.schemas import ClaimIn
from gemcare.claims.services import claim_file, claim_photos_add
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller, caller_required
from gemcare.common.clock import today
from gemcare.common.email import email_send
from gemcare.common.errors import Refused
from gemcare.common.schemas import validate_input
from gemcare.contracts.holders import holder_update
from gemcare.contracts.models import Cancellation, Contract, Holder
from gemcare.contracts.schemas import CancellationIn, HolderChangesIn, TransferIn
from gemcare.contracts.selectors import contract_facts, contract_get, holder_get
from gemcare.contracts.services import contract_cancel, contract_locked_for, contract_transfer
from gemcare.portals.customer.errors import CustomerError
from gemcare.portals.customer.models import TransferInvitation
from gemcare.portals.customer.schemas import (
    ClaimLineFormIn,
    CustomerCancelIn,
    CustomerClaimIn,
    TransferAcceptIn,
    TransferInviteIn,
)
from gemcare.portals.customer.selectors import (
    invitation_by_token,
    transfer_offered,
)
from gemcare.portals.customer.sign_ins import token_hash
from gemcare.rules.adjudication import unestimated_costs
from gemcare.rules.refunds import PENALTY_PERIOD_DAYS, PENALTY_RATE

INVITATION_DAYS = 14


def public_url(path: str) -> str:
    return settings.GEMCARE_PUBLIC_URL.rstrip("/") + path


# --- transfers ---------------------------------------------------------------------------------


def _holder_only(caller: Caller) -> Caller:
    caller = caller_required(caller)
    if not caller.is_holder:
        raise Refused(CustomerError.NOT_A_HOLDER, CustomerError.NOT_A_HOLDER.words)
    return caller


def _withdraw_open_invitations(contract: Contract, now) -> None:
    TransferInvitation.objects.filter(
        contract=contract, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)


@transaction.atomic
def transfer_invitation_send(
    *, caller: Caller, contract: Contract, invite: TransferInviteIn
) -> TransferInvitation:
    """The holder invites someone to take the plan over: an emailed link, good for
    INVITATION_DAYS, once. A newer invitation withdraws the one before. Refused for a plan
    that does not transfer (the rules' transfer: care plans to anyone while active; a gift's
    recipient once on a plan that allows only that)."""
    caller = _holder_only(caller)
    contract = contract_locked_for(caller, contract)
    if transfer_offered(contract) is None:
        raise Refused(CustomerError.TRANSFER_NOT_OFFERED, CustomerError.TRANSFER_NOT_OFFERED.words)
    now = timezone.now()
    _withdraw_open_invitations(contract, now)
    token = secrets.token_urlsafe(32)
    invitation = TransferInvitation.objects.create(
        contract=contract,
        invited_by_id=caller.holder_id,
        name=invite.name,
        email=invite.email,
        state=invite.state,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    inviter = Holder.objects.get(pk=caller.holder_id)
    email_send(
        to=invite.email,
        template="transfer_invitation",
        context={
            "name": invite.name,
            "inviter": inviter.name,
            "product": contract.product_version.name,
            "item": contract.item_description or contract.item_kind,
            "kind": contract.item_kind,
            "url": public_url(reverse("customer:transfer_accept", args=[token])),
            "expires_on": timezone.localdate(invitation.expires_at),
            "days": INVITATION_DAYS,
        },
    )
    audit_record(
        caller=caller,
        action="transfer_invitation_sent",
        entity=invitation,
        tenant_id=contract.retailer_id,
        data={"contract": contract.number, "fields": ["email", "name", "state"]},
    )
    return invitation


@transaction.atomic
def transfer_invitation_accept(*, token: str, acceptance: TransferAcceptIn) -> Contract:
    """The recipient accepts: the plan is transferred to them from today, by
    `contract_transfer` acting for the holder who invited (their consent), and the
    acceptance is audited as the new holder's. Refused as the transfer would be (the plan no
    longer active, no longer transferable), and when the plan has changed hands since."""
    invitation = invitation_by_token(token_hash(token), lock=True)
    contract = invitation.contract
    if contract.holder_id != invitation.invited_by_id:
        raise Refused(CustomerError.CHANGED_HANDS, CustomerError.CHANGED_HANDS.words)
    inviter = Caller.holder(invitation.invited_by)
    transfer = validate_input(
        TransferIn,
        {
            "date": today(),
            "holder": {
                "name": acceptance.name,
                "state": acceptance.state,
                "email": invitation.email,
            },
        },
    )
    contract = contract_transfer(caller=inviter, contract=contract, transfer=transfer)
    invitation.accepted_at = timezone.now()
    invitation.accepted_holder = contract.holder
    invitation.save(update_fields=["accepted_at", "accepted_holder"])
    audit_record(
        caller=Caller.holder(contract.holder),
        action="transfer_invitation_accepted",
        entity=invitation,
        tenant_id=contract.retailer_id,
        data={
            "contract": contract.number,
            "invited_by": invitation.invited_by_id,
            "accepted_by": contract.holder_id,
        },
    )
    return contract


# --- cancelling --------------------------------------------------------------------------------


@transaction.atomic
def customer_cancel(
    *, caller: Caller, contract: Contract, cancel: CustomerCancelIn
) -> Cancellation:
    """The holder cancels as of today (RULEBOOK 5), through `contract_cancel`; the refund
    notice goes to the email on file after commit. An open transfer invitation is withdrawn."""
    caller = _holder_only(caller)
    cancellation = contract_cancel(
        caller=caller,
        contract=contract,
        cancellation=validate_input(
            CancellationIn, {"by": "holder", "reason": cancel.reason, "date": today()}
        ),
    )
    _withdraw_open_invitations(contract, timezone.now())
    holder = holder_get(caller=caller, holder_id=caller.holder_id)
    if holder.email:
        fresh = contract_get(caller=caller, number=contract.number)
        email_send(
            to=holder.email,
            template="customer_cancellation",
            context={
                "name": holder.name,
                "number": fresh.number,
                "product": fresh.product_version.name,
                "status": fresh.get_status_display().lower(),
                "cancel_on": cancellation.cancel_on,
                "refund": cancellation.refund,
                "due_on": cancellation.due_on,
                "explanation": cancellation.explanation,
                "penalty_percent": int(PENALTY_RATE * 100),
                "penalty_period_days": PENALTY_PERIOD_DAYS,
            },
        )
    return cancellation


# --- claims ------------------------------------------------------------------------------------


def claim_lines_costed(contract: Contract, lines: list[ClaimLineFormIn]) -> list[dict]:
    """The claim's lines with a cost on each: the holder's estimate where given, else the
    rules' share of what the plan can still pay for the item (`unestimated_costs`)."""
    facts = contract_facts(contract)
    payable = contract.item_price if facts.remaining_limit is None else facts.remaining_limit
    costs = unestimated_costs([line.cost for line in lines], payable)
    return [
        {
            "service": line.service,
            "cost": cost,
            **({"sizes": line.sizes} if line.sizes is not None else {}),
        }
        for line, cost in zip(lines, costs, strict=True)
    ]


@transaction.atomic
def customer_claim_file(
    *, caller: Caller, contract: Contract, claim: CustomerClaimIn, photos=()
) -> Claim:
    """The holder files a claim (the jeweler being unavailable, or the holder having moved):
    the contact details confirmed (changes saved to the holder), then `claim_file` with the
    holder's caller, channel "customer", one open claim at a time. With `photos`, they are
    added to the claim in the same transaction (`claim_photos_add`): a photo refused leaves
    nothing filed."""
    caller = _holder_only(caller)
    holder = holder_get(caller=caller, holder_id=caller.holder_id)
    changes = {
        name: getattr(claim, name)
        for name in ("email", "phone")
        if getattr(claim, name) != getattr(holder, name)
    }
    if changes:
        holder_update(caller=caller, holder=holder, changes=HolderChangesIn(**changes))
    claim_in = validate_input(
        ClaimIn,
        {
            "incident": claim.incident,
            "cause": claim.cause,
            "lines": claim_lines_costed(contract, claim.lines),
            "repairable": claim.repairable,
            "maintenance_done": claim.maintenance_done,
            "channel": Claim.CUSTOMER,
        },
    )
    filed = claim_file(
        caller=caller, contract=contract, claim=claim_in, one_open_claim=True, notify_holder=True
    )
    audit_record(
        caller=caller,
        action="claim_filed_by_holder",
        entity=filed,
        tenant_id=contract.retailer_id,
        data={
            "why": claim.why,
            "estimated_lines": sum(1 for line in claim.lines if line.cost is not None),
            "contact_changed": sorted(changes),
        },
    )
    photos = list(photos)
    if photos:
        claim_photos_add(caller=caller, claim=filed, files=photos)
    return filed

"""Sign-in codes for the customer site (RULEBOOK 7: "a code sent to the email on file").

`sign_in_code_request` writes a row for every request, matched or not, and sends the code
only when a plan matched and its holder has an email. A code is 6 digits, kept as a keyed
hash tied to its request, good for CODE_MINUTES, once, with CODE_ATTEMPTS tries; a plan gets
at most CODES_PER_PLAN_PER_HOUR codes. Nothing returned or written differently tells the
asking browser whether a plan was found.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller, caller_required
from gemcare.common.email import email_render, email_send
from gemcare.contracts.models import Holder
from gemcare.portals.customer.errors import CustomerError
from gemcare.portals.customer.models import SignInCode, TransferInvitation
from gemcare.portals.customer.schemas import (
    CODE_DIGITS,
    PlanNumberFindIn,
    ReceiptFindIn,
    SignInCodeIn,
)
from gemcare.portals.customer.selectors import sign_in_match

CODE_MINUTES = 10
CODE_ATTEMPTS = 5
CODES_PER_PLAN_PER_HOUR = 3
CODE_SALT = "gemcare.portals.customer.sign_in_code"
# The platform's own caller for the requests of someone not signed in yet.
SIGN_IN = Caller.system("customer_sign_in")


def token_hash(token: str) -> str:
    """How a random token (a request's, an invitation link's) is kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def _code_hash(token: str, code: str) -> str:
    return salted_hmac(CODE_SALT, f"{token}:{code}", algorithm="sha256").hexdigest()


def code_request_record(*, sent_to: str | None, name: str, **found) -> str:
    """Write one request for a code (a `SignInCode` naming what it `found`, or nothing) and
    send its code to `sent_to`; with no address, do the same work and send it nowhere. The
    request's token, which only the asking browser keeps, is returned. Shared by the plan
    and the policy sign-ins: neither tells a stranger whether anything was found."""
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    SignInCode.objects.create(
        token_hash=token_hash(token),
        code_hash=_code_hash(token, code),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
        **found,
    )
    context = {"code": code, "minutes": CODE_MINUTES, "name": name}
    if sent_to:
        email_send(to=sent_to, template="one_time_code", context=context)
    else:
        email_render("one_time_code", context)  # the same work as a code sent, sent nowhere
    return token


def codes_sent_lately(**found) -> int:
    """Codes requested in the last hour for what a request found (a plan, a policy)."""
    since = timezone.now() - dt.timedelta(hours=1)
    return SignInCode.objects.filter(created_at__gt=since, **found).count()


@transaction.atomic
def sign_in_code_request(*, caller: Caller, found: PlanNumberFindIn | ReceiptFindIn) -> str:
    """Record a request for a code and, if it names a plan whose holder has an email, send
    one there. Returns the request's token, which only the asking browser keeps. Whether a
    plan was found is never returned: the same work is done either way."""
    caller_required(caller)
    match = sign_in_match(found=found)
    holder = contract = None
    if match is not None and match[0].email:
        holder, contract = match
        if codes_sent_lately(contract=contract) >= CODES_PER_PLAN_PER_HOUR:
            holder = contract = None
    token = code_request_record(
        sent_to=holder.email if holder else None,
        name=holder.name if holder else "",
        holder=holder,
        contract=contract,
    )
    if holder is not None:
        audit_record(
            caller=caller,
            action="sign_in_code_sent",
            entity=holder,
            tenant_id=contract.retailer_id,
            data={"contract": contract.number},
        )
    return token


@dataclass(frozen=True, slots=True)
class CodeCheck:
    holder: Holder | None
    problem: CustomerError | None = None
    tries_left: int = 0


@dataclass(frozen=True, slots=True)
class CodeTry:
    opened: SignInCode | None  # the request, when the right code opened it
    problem: CustomerError | None = None
    tries_left: int = 0


def code_try(
    *, token: str, entered: SignInCodeIn, related: tuple[str, ...], opens: Callable
) -> CodeTry:
    """Check a code against the browser's request, in the caller's transaction: the
    request if the code is right and the request `opens` what the caller signs in to, else
    the problem. A wrong code is counted (the caller commits it: a refusal keeps its count);
    the last try locks the request, even against the right code."""
    row = (
        SignInCode.objects.select_for_update(of=("self",))
        .select_related(*related)
        .filter(token_hash=token_hash(token))
        .first()
    )
    now = timezone.now()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return CodeTry(None, CustomerError.CODE_EXPIRED)
    if row.attempts >= CODE_ATTEMPTS:
        return CodeTry(None, CustomerError.CODE_LOCKED)
    right = constant_time_compare(row.code_hash, _code_hash(token, entered.code))
    if right and opens(row):
        row.used_at = now
        row.save(update_fields=["used_at"])
        return CodeTry(row)
    row.attempts += 1
    row.save(update_fields=["attempts"])
    left = CODE_ATTEMPTS - row.attempts
    if left <= 0:
        return CodeTry(None, CustomerError.CODE_LOCKED)
    return CodeTry(None, CustomerError.CODE_WRONG, tries_left=left)


def sign_in_code_check(*, caller: Caller, token: str, entered: SignInCodeIn) -> CodeCheck:
    """Check a code against the browser's plan request: the holder it opens, or the
    problem (`code_try`)."""
    caller_required(caller)
    with transaction.atomic():
        tried = code_try(
            token=token,
            entered=entered,
            related=("holder", "contract"),
            opens=lambda row: row.holder is not None,
        )
        row = tried.opened
        if row is None:
            return CodeCheck(None, tried.problem, tried.tries_left)
        audit_record(
            caller=Caller.holder(row.holder),
            action="holder_signed_in",
            entity=row.holder,
            tenant_id=row.contract.retailer_id if row.contract_id else None,
            data={"by": "one_time_code"},
        )
        return CodeCheck(row.holder)


def sign_in_records_prune(*, now=None) -> tuple[int, int]:
    """Delete sign-in requests expired for more than a day, and invitations never accepted
    that expired or were withdrawn more than 30 days ago. (codes, invitations) deleted."""
    now = now or timezone.now()
    codes, _ = SignInCode.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()
    month_ago = now - dt.timedelta(days=30)
    stale = TransferInvitation.objects.filter(accepted_at__isnull=True).filter(
        models.Q(expires_at__lt=month_ago) | models.Q(withdrawn_at__lt=month_ago)
    )
    invitations, _ = stale.delete()
    return codes, invitations

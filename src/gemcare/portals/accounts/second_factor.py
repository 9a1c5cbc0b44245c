"""The second factor of the provider's staff: a TOTP app (django-otp), recovery codes.

Who needs it: everyone who reaches the provider's data, that is the provider's staff, any
superuser and anyone the admin lets in (`is_staff`). A retailer's staff sign in with a
password only (docs/decisions/0019-portal-stack.md). A session is verified once a code from
the person's confirmed device (or one of their recovery codes) was accepted in it;
`request.user.is_verified()` (django-otp's middleware) says so.

Enrolment keeps the new secret in the session until the person proves, with a code, that
their app holds it: only then is a confirmed device written, with ten recovery codes shown
once. A lost device is removed in the admin (OTP devices), and the person enrols again at
their next sign-in.
"""

import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass

import django_otp
import segno
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.partners.models import ProviderStaff

SETUP_KEY_SESSION_KEY = "gemcare_second_factor_setup_key"
DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODES = 10
# A TOTP code is six digits; a recovery code eight letters and digits (base 32).
TOTP_DIGITS = 6


def second_factor_required(user) -> bool:
    """Whether `user` must pass the second factor before any page of the provider's."""
    if not user.is_authenticated:
        return False
    return bool(
        user.is_staff or user.is_superuser or getattr(user, "provider_staff", None) is not None
    )


def is_verified(request) -> bool:
    user = request.user
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator device, if they have enrolled."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def account_caller(user) -> Caller:
    """Whom the audit log names for a change to a person's own sign-in."""
    staff = getattr(user, "provider_staff", None)
    role = staff.role if staff is not None else ProviderStaff.ADMIN if user.is_superuser else ""
    return Caller.provider(user, role=role)


# --- enrolment -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingSetup:
    key: str  # hex, as TOTPDevice keeps it
    secret: str  # base 32, as an authenticator app takes it typed, in groups of four
    qr_svg: str  # the otpauth:// link as an inline SVG QR code


def setup_pending(request) -> PendingSetup:
    """The secret being enrolled in this session (a new one on the first visit)."""
    key = request.session.get(SETUP_KEY_SESSION_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = random_hex(20)
        request.session[SETUP_KEY_SESSION_KEY] = key
    device = TOTPDevice(user=request.user, key=key, name=DEVICE_NAME)
    secret = b32encode(unhexlify(key)).decode()
    return PendingSetup(
        key=key,
        secret=" ".join(secret[index : index + 4] for index in range(0, len(secret), 4)),
        qr_svg=segno.make(device.config_url, error="m").svg_inline(
            scale=4, dark="#000", light="#fff", title="QR code of the authenticator secret"
        ),
    )


def _code_step(key: str, code: str) -> tuple[int, int] | None:
    """(time step, drift) at which `code` is right for `key`, one step either way allowed
    for a slow phone clock; None when it is not."""
    if not (len(code) == TOTP_DIGITS and code.isdigit()):
        return None
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=TOTP_DIGITS, drift=0)
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        return None
    return totp.t(), totp.drift


def setup_confirm(request, code: str) -> list[str] | None:
    """Confirm the pending enrolment with a code from the app: the device is written, the
    session verified, and the recovery codes returned (to be shown once). None when the code
    is wrong; nothing is written then."""
    key = request.session.get(SETUP_KEY_SESSION_KEY)
    if not isinstance(key, str):
        return None
    found = _code_step(key, code_normalised(code))
    if found is None:
        return None
    step, drift = found
    user = request.user
    with transaction.atomic():
        # One enrolment at a time per person: a second concurrent confirmation waits here,
        # then finds the device the first one wrote.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if totp_device(user) is not None:
            return None
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(
            user=user,
            name=DEVICE_NAME,
            key=key,
            confirmed=True,
            last_t=step,  # this code cannot be used again
            drift=drift,
            last_used_at=timezone.now(),
        )
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
        audit_record(
            caller=account_caller(user),
            action="second_factor_enrolled",
            entity=device,
            data={"recovery_codes": RECOVERY_CODES},
        )
    del request.session[SETUP_KEY_SESSION_KEY]
    session_verified(request, device)
    return codes


# --- verification ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verification:
    verified: bool
    wait_seconds: int = 0  # > 0: too many wrong codes, try again after this long


def code_normalised(code: str) -> str:
    """What a person types, as compared: spaces and dashes dropped, recovery codes lower."""
    return code.replace(" ", "").replace("-", "").lower()


def _wait_seconds(device) -> int:
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds() + 0.999))


def code_verify(request, code: str) -> Verification:
    """Check a code from the person's app, or one of their recovery codes (each works once).
    Wrong codes slow further tries down (django-otp's throttling: 1, 2, 4, 8… seconds)."""
    user = request.user
    code = code_normalised(code)
    device = totp_device(user)
    if device is None:
        return Verification(False)
    candidates = [device]
    if not (len(code) == TOTP_DIGITS and code.isdigit()):
        candidates = list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    for candidate in candidates:
        wait = _wait_seconds(candidate)
        if wait:
            return Verification(False, wait_seconds=wait)
        verified = django_otp.verify_token(user, candidate.persistent_id, code)
        if verified is not None:
            session_verified(request, verified)
            return Verification(True)
    return Verification(False)


def session_verified(request, device) -> None:
    """Mark the session verified by `device`, under a new session key."""
    request.session.cycle_key()
    django_otp.login(request, device)

"""The people of the portal tests, and signing them in as the pages expect."""

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factories import retailer_make, store_make

from gemcare.partners.models import ProviderStaff, Retailer, RetailerStaff, Store

PASSWORD = "a-long-test-password"


@dataclass
class People:
    retailer_a: Retailer
    store_a1: Store
    store_a2: Store
    retailer_b: Retailer
    store_b1: Store
    manager_a: object  # the whole of retailer A
    associate_a1: object  # store A1 only
    associate_a2: object  # store A2 only
    manager_b: object
    adjuster: object  # the provider's, with an authenticator device
    privacy: object  # the provider's, with an authenticator device
    newcomer: object  # the provider's, not enrolled yet
    superuser: object  # no staff record: an administrator, as the admin treats them
    nobody: object  # a user of no kind


def user_make(username: str, **fields):
    return get_user_model().objects.create_user(username, password=PASSWORD, **fields)


def retailer_staff_make(username, retailer, *, store=None, role=RetailerStaff.SALES):
    user = user_make(username)
    RetailerStaff.objects.create(user=user, retailer=retailer, store=store, role=role)
    return user


def provider_staff_make(username, role=ProviderStaff.ADJUSTER, *, enrolled=True, **fields):
    user = user_make(username, **fields)
    ProviderStaff.objects.create(user=user, role=role)
    if enrolled:
        TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return user


def people_make() -> People:
    retailer_a = retailer_make(name="Alpha Jewelers")
    store_a1, store_a2 = store_make(retailer=retailer_a), store_make(retailer=retailer_a)
    retailer_b = retailer_make(name="Beta Gems")
    store_b1 = store_make(retailer=retailer_b)
    return People(
        retailer_a=retailer_a,
        store_a1=store_a1,
        store_a2=store_a2,
        retailer_b=retailer_b,
        store_b1=store_b1,
        manager_a=retailer_staff_make("manager-a", retailer_a, role=RetailerStaff.MANAGER),
        associate_a1=retailer_staff_make("associate-a1", retailer_a, store=store_a1),
        associate_a2=retailer_staff_make("associate-a2", retailer_a, store=store_a2),
        manager_b=retailer_staff_make("manager-b", retailer_b, role=RetailerStaff.MANAGER),
        adjuster=provider_staff_make("adjuster"),
        privacy=provider_staff_make("privacy", ProviderStaff.PRIVACY_OFFICER),
        newcomer=provider_staff_make("newcomer", enrolled=False),
        superuser=get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD),
        nobody=user_make("nobody"),
    )


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or that many steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def key_code(key_hex: str) -> str:
    """The current code for a secret being enrolled (hex, as the session keeps it)."""
    return current_code(TOTPDevice(key=key_hex))


def password_login(client, username: str, *, next_url: str = "", address: str = "127.0.0.1"):
    """Sign in through the real sign-in page (django-axes counts the attempt)."""
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)

"""Demo data: a provider's staff, two retailers with stores and staff, a repair center, a few
hundred contracts with claims in every status, cancellations, transfers and insurance
policies. Everything goes through the services, as a real day at the counter would.

The data is the same on every run (a fixed random seed), so the demo can be described.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from gemcare.catalog.services import presets_load
from gemcare.claims import schemas as claim_input
from gemcare.claims import services as claims
from gemcare.claims.models import AWAITING_REVIEW
from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.errors import ApplicationError
from gemcare.common.schemas import validate_input
from gemcare.contracts import schemas as contract_input
from gemcare.contracts import services as contracts
from gemcare.contracts.expiry import contracts_expire
from gemcare.contracts.models import ACTIVE, Contract
from gemcare.demo_policies import demo_policies_load
from gemcare.partners.models import ProviderStaff, RepairCenter, Retailer, RetailerStaff, Store


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    who: str
    portal: str = "/jeweler/"  # where this login starts
    second_factor: bool = False  # signs in with a code from `gemcare demo-otp USERNAME` too


PROVIDER_LOGINS = [
    Login("admin", "gemcare-admin", "provider administrator (every screen)", "/office/", True),
    Login(
        "adjuster", "gemcare-adjuster", "adjuster (claims, contracts, policies)", "/office/", True
    ),
    Login(
        "privacy",
        "gemcare-privacy",
        "privacy officer (holders and the audit log)",
        "/office/",
        True,
    ),
]
RETAILER_LOGINS = [
    Login("brilliant-manager", "gemcare-jeweler", "manager at Brilliant & Co (every store)"),
    Login("harbor-sales", "gemcare-jeweler", "sales associate at Harbor Jewelers, Main Street"),
]

# The demo's provider staff share one authenticator secret (hex, as django-otp keeps it):
# `gemcare demo-otp USERNAME` prints its current code, or add it to an app by its base 32,
# GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ. Made only with DEBUG on, like every demo login.
DEMO_OTP_KEY = "3132333435363738393031323334353637383930"
DEMO_OTP_DEVICE = "Demo authenticator"

RETAILERS = [
    (
        "brilliant",
        "Brilliant & Co",
        Decimal("0.4000"),
        [("oak", "Oak Street", "OK"), ("sun", "Sunset Mall", "CA"), ("bay", "Bayfront", "FL")],
    ),
    (
        "harbor",
        "Harbor Jewelers",
        Decimal("0.3500"),
        [("main", "Main Street", "GA"), ("lake", "Lakeside", "WI"), ("mesa", "Mesa Plaza", "AZ")],
    ),
]
# Where claim decisions go: each retailer's address, and a store's own where it has one (the
# other stores fall back to their retailer's).
CLAIM_EMAILS = {
    "brilliant": "claims@brilliant.example",
    "brilliant/oak": "oak-street@brilliant.example",
    "harbor": "claims@harbor.example",
    "harbor/main": "main-street@harbor.example",
}
FIRST = [
    "Ava",
    "Ben",
    "Chloe",
    "Diego",
    "Emma",
    "Farah",
    "Grace",
    "Hiro",
    "Isla",
    "Jon",
    "Kemi",
    "Liam",
]
LAST = ["Nguyen", "Okafor", "Patel", "Quinn", "Rossi", "Silva", "Tanaka", "Usman", "Vega", "Walsh"]
JEWELRY = {
    "ring": ["Solitaire engagement ring", "Eternity band", "Sapphire halo ring"],
    "bracelet": ["Tennis bracelet", "Gold link bracelet"],
    "necklace": ["Pearl strand", "Diamond pendant"],
    "earrings": ["Diamond studs", "Hoop earrings"],
}
WATCHES = ["Automatic diver watch", "Chronograph watch", "Dress watch"]
REPAIRS = {
    "ring": ["prong_repair", "ring_sizing", "stone_tightening", "rhodium_plating"],
    "bracelet": ["clasp_repair", "chain_repair", "stone_tightening"],
    "necklace": ["clasp_repair", "chain_repair", "pearl_restringing"],
    "earrings": ["earring_back_post", "stone_tightening"],
    "watch": ["watch_crystal", "watch_battery", "watch_movement", "watch_strap"],
}


DEMO = Caller.system("demo")


def demo_is_loaded() -> bool:
    return Retailer.objects.filter(code="brilliant").exists()


@transaction.atomic
def demo_load(*, contracts_count: int = 300, today: dt.date | None = None) -> dict:
    presets_load(caller=Caller.system("presets"))
    rng = random.Random(2026)
    today = today or dt.date.today()
    users = _users()
    stores = _retailers()
    RepairCenter.objects.get_or_create(
        code="midwest",
        defaults={
            "name": "Midwest Jewelry Repair Center",
            "address": "12 Gem Way, Neenah WI",
            "state": "WI",
            "email": "intake@midwest-repair.example",
        },
    )
    sold = [_sell(rng, stores, today, index) for index in range(contracts_count)]
    # A few older sales whose three-year term is over, then the daily expiry run.
    for index in range(contracts_count, contracts_count + 6):
        _sell(rng, stores, today, index, days_ago=(3 * 365 + 20, 5 * 365))
    contracts_expire(caller=DEMO, on=today)
    counts = _claims(rng, [c for c in sold if c is not None], today, users["adjuster"])
    counts["contracts"] = Contract.objects.count()
    counts["policies"] = demo_policies_load(rng, today, first=FIRST, last=LAST)
    return counts


def _users() -> dict:
    from django.conf import settings

    model = get_user_model()
    adjusters = _group("Adjusters", ["claims", "contracts", "insurance"], change=True)
    privacy = _group("Privacy officers", ["contracts", "common"], change=False)
    made = {}
    for login in PROVIDER_LOGINS:
        user = model.objects.create_user(login.username, password=login.password, is_staff=True)
        role = {"admin": ProviderStaff.ADMIN, "adjuster": ProviderStaff.ADJUSTER}.get(
            login.username, ProviderStaff.PRIVACY_OFFICER
        )
        if role == ProviderStaff.ADMIN:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        user.groups.add(adjusters if role == ProviderStaff.ADJUSTER else privacy)
        ProviderStaff.objects.create(user=user, role=role)
        if settings.DEBUG:
            demo_otp_device(user)
        made[login.username] = user
    return made


def demo_otp_device(user):
    """The demo's authenticator device for a member of the provider's staff."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user,
        name=DEMO_OTP_DEVICE,
        defaults={"key": DEMO_OTP_KEY, "confirmed": True},
    )
    return device


def _group(name: str, apps: list[str], *, change: bool) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    actions = ["view", "change"] if change else ["view"]
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=apps, codename__regex=rf"^({'|'.join(actions)})_"
        )
    )
    return group


def _retailers() -> list[Store]:
    model = get_user_model()
    stores = []
    for code, name, rate, store_rows in RETAILERS:
        retailer = Retailer.objects.create(
            code=code, name=name, commission_rate=rate, email=CLAIM_EMAILS.get(code, "")
        )
        for store_code, store_name, state in store_rows:
            stores.append(
                Store.objects.create(
                    retailer=retailer,
                    code=store_code,
                    name=store_name,
                    state=state,
                    email=CLAIM_EMAILS.get(f"{code}/{store_code}", ""),
                )
            )
    for login, (retailer_code, role) in zip(
        RETAILER_LOGINS,
        [("brilliant", RetailerStaff.MANAGER), ("harbor", RetailerStaff.SALES)],
        strict=True,
    ):
        user = model.objects.create_user(login.username, password=login.password)
        retailer = Retailer.objects.get(code=retailer_code)
        # The manager sees every store of the retailer; the associate only their own.
        store = None if role == RetailerStaff.MANAGER else retailer.stores.order_by("pk").first()
        RetailerStaff.objects.create(user=user, retailer=retailer, store=store, role=role)
    return stores


def _sell(
    rng: random.Random,
    stores: list[Store],
    today: dt.date,
    index: int,
    days_ago: tuple[int, int] = (5, 3 * 365),
) -> Contract | None:
    store = rng.choice(stores)
    product = rng.choices(
        ["care-jewelry-lifetime", "care-jewelry-3yr", "care-watch-3yr", "ljpp-lifetime"],
        weights=[4, 3, 2, 3],
    )[0]
    if product == "care-watch-3yr":
        kind, description = "watch", rng.choice(WATCHES)
    else:
        kind = rng.choice(list(JEWELRY))
        description = rng.choice(JEWELRY[kind])
    price = Decimal(rng.choice([149, 350, 680, 1250, 2400, 3900, 5600, 8800, 12500])) + Decimal(
        rng.choice(["0.00", "0.99", "0.50"])
    )
    purchased = today - dt.timedelta(days=rng.randint(*days_ago))
    item = {
        "kind": kind,
        "description": description,
        "price": str(price),
        "serial": f"SKU-{rng.randint(100000, 999999)}",
        "water_resistant": kind == "watch" and rng.random() < 0.7,
        "gift": rng.random() < 0.15,
    }
    if product == "ljpp-lifetime" and rng.random() < 0.2:
        item["sold"] = purchased - dt.timedelta(days=rng.randint(1, 60))
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    sale = {
        "product": product,
        "receipt_number": f"{store.code.upper()}-{10000 + index}",
        "item": item,
        "holder": {
            "name": name,
            "state": store.state,
            "email": f"{name.lower().replace(' ', '.')}{index}@example.com",
            "phone": f"555-01{index % 100:02d}",
            "date_of_birth": str(dt.date(rng.randint(1950, 2000), rng.randint(1, 12), 14)),
        },
        "purchased": purchased,
    }
    try:
        with clock_set(purchased):  # a sale happens at the counter on its purchase date
            return contracts.contract_sell(
                caller=DEMO, store=store, sale=validate_input(contract_input.SaleIn, sale)
            )
    except ApplicationError:  # e.g. an item above ljpp's bands: no offer, as at a real counter
        return None


def _after_last_event(contract: Contract, day: dt.date, today: dt.date) -> dt.date | None:
    """`day`, moved on to the contract's latest event if it lies before it: events on a
    contract happen in date order. None when that would be after today."""
    day = max(day, contract.last_event_on)
    return day if day <= today else None


def _claims(rng: random.Random, sold: list[Contract], today: dt.date, adjuster) -> dict:
    """Claims, reviews, fulfilments, cancellations and transfers, each played on its own
    date, after the contract's latest event, as a real store's history would be."""
    counts = {"claims": 0, "cancellations": 0, "transfers": 0}
    adjuster_caller = Caller.provider(adjuster)
    for contract in rng.sample(sold, k=min(len(sold), 140)):
        contract.refresh_from_db()
        if contract.status != ACTIVE:
            continue
        filed = contract.purchased_on + dt.timedelta(
            days=rng.randint(10, max(11, (today - contract.purchased_on).days))
        )
        filed = _after_last_event(contract, min(filed, today), today)
        services = REPAIRS[contract.item_kind]
        lines = [
            {"service": service, "cost": f"{rng.choice([45, 85, 120, 240, 380, 900, 1700])}.00"}
            for service in rng.sample(services, k=rng.randint(1, 2))
        ]
        cause = rng.choices(
            ["wear_and_tear", "accidental_damage", "manufacturing_defect", "theft"],
            weights=[6, 3, 2, 1],
        )[0]
        incident_days, repairable = rng.randint(0, 5), rng.random() > 0.08
        if filed is None:
            continue
        claim_in = {
            "incident": max(contract.purchased_on, filed - dt.timedelta(days=incident_days)),
            "filed": filed,
            "cause": cause,
            "lines": lines,
            "repairable": repairable,
        }
        try:
            with clock_set(filed):
                claim = claims.claim_file(
                    caller=DEMO,
                    contract=contract,
                    claim=validate_input(claim_input.ClaimIn, claim_in),
                )
        except ApplicationError:
            continue
        counts["claims"] += 1
        roll = rng.random()
        if claim.status == AWAITING_REVIEW and roll < 0.6:
            with clock_set(filed):  # the adjuster reviews on the day it is filed
                claim = claims.claim_review(
                    caller=adjuster_caller, claim=claim, review=claim_input.ReviewIn()
                )
        if claim.status == "approved" and roll < 0.75:
            completed = min(today, claim.filed_on + dt.timedelta(days=rng.randint(3, 40)))
            fulfilment = {
                "actual_cost": str(claim.approved - Decimal(rng.choice([0, 0, 5, 12]))),
                "completed": completed,
            }
            with clock_set(completed):
                claims.claim_fulfil(
                    caller=DEMO,
                    claim=claim,
                    fulfilment=validate_input(claim_input.FulfilmentIn, fulfilment),
                )
    for contract in rng.sample(sold, k=min(len(sold), 40)):
        contract.refresh_from_db()
        if contract.status != ACTIVE:
            continue
        if rng.random() < 0.5:
            # Some within the 30-day free look (voided, full refund), most after it.
            days = rng.choice([rng.randint(3, 25), rng.randint(31, 400), rng.randint(31, 400)])
            cancel_on = _after_last_event(
                contract, min(today, contract.purchased_on + dt.timedelta(days=days)), today
            )
            paid_after = dt.timedelta(days=rng.choice([5, 20, 45, 70]))
            if cancel_on is None:
                continue
            paid_on = cancel_on + paid_after
            try:
                with clock_set(cancel_on):
                    cancellation = contracts.contract_cancel(
                        caller=DEMO,
                        contract=contract,
                        cancellation=validate_input(
                            contract_input.CancellationIn, {"date": cancel_on, "by": "holder"}
                        ),
                    )
            except ApplicationError:  # e.g. a claim still awaiting review
                continue
            counts["cancellations"] += 1
            if paid_on <= today:
                with clock_set(paid_on):
                    contracts.refund_payment_record(
                        caller=DEMO,
                        cancellation=cancellation,
                        payment=validate_input(contract_input.RefundPaymentIn, {"paid": paid_on}),
                    )
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            on = _after_last_event(
                contract,
                min(today, contract.purchased_on + dt.timedelta(days=rng.randint(30, 300))),
                today,
            )
            if on is None:
                continue
            transfer = {"date": on, "holder": {"name": name, "state": contract.holder.state}}
            try:
                with clock_set(on):
                    contracts.contract_transfer(
                        caller=DEMO,
                        contract=contract,
                        transfer=validate_input(contract_input.TransferIn, transfer),
                    )
            except ApplicationError:  # ljpp plans do not transfer
                continue
            counts["transfers"] += 1
    return counts

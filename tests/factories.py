"""Plain factory functions for the service tests.

Contracts are made through `contract_sell`, the real service, so a test starts from a row the
platform itself would have written. The preset products must be loaded first: the `presets`
fixture, which the folders that sell contracts import from here (loaded once per module).
"""

import datetime as dt
import itertools
import sys
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from gemcare.catalog.models import (
    InsuranceProduct,
    InsuranceRatingVersion,
    PlanCoveredService,
    PlanPriceBand,
    PlanProduct,
    PlanProductVersion,
    PlanStateNotice,
    PlanStateVariation,
)
from gemcare.catalog.services import presets_load
from gemcare.claims.models import Claim, ClaimDecision, ClaimLine, Reimbursement
from gemcare.claims.schemas import ClaimIn, FulfilmentIn, ReviewIn
from gemcare.claims.services import claim_file, claim_fulfil, claim_review
from gemcare.common.callers import Caller
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import (
    Cancellation,
    Contract,
    ContractEvent,
    Holder,
    HolderPeriod,
    RefundPayment,
)
from gemcare.contracts.schemas import (
    CancellationIn,
    RefundPaymentIn,
    SaleIn,
    TransferIn,
)
from gemcare.contracts.services import (
    contract_cancel,
    contract_sell,
    contract_transfer,
    refund_payment_record,
)
from gemcare.partners.models import ProviderStaff, RepairCenter, Retailer, Store

_sequence = itertools.count(1)


def retailer_make(*, name: str = "Brilliant Jewelers", commission_rate: str | None = None):
    number = next(_sequence)
    fields = {"code": f"retailer-{number}", "name": name}
    if commission_rate is not None:
        fields["commission_rate"] = Decimal(commission_rate)
    return Retailer.objects.create(**fields)


def store_make(*, retailer: Retailer | None = None, state: str = "OK") -> Store:
    retailer = retailer or retailer_make()
    number = next(_sequence)
    return Store.objects.create(
        retailer=retailer, code=f"store-{number}", name=f"Store {number}", state=state
    )


def repair_center_make() -> RepairCenter:
    number = next(_sequence)
    return RepairCenter.objects.create(
        code=f"center-{number}", name=f"Repair center {number}", address="1 Bench St", state="TX"
    )


def adjuster_make():
    user = get_user_model().objects.create(username=f"adjuster-{next(_sequence)}")
    ProviderStaff.objects.create(user=user, role=ProviderStaff.ADJUSTER)
    return user


def holder_data(*, name: str = "Ada Holder", state: str = "OK", **extra: str) -> dict:
    return {"name": name, "state": state, "email": "ada@example.com", **extra}


# The caller of most service tests: the provider's own scheduled work sees every tenant.
SYSTEM = Caller.system("tests")


def sale_in(
    product: str = "ljpp-lifetime",
    state: str = "OK",
    price: str = "1200.00",
    kind: str = "ring",
    purchased: object = dt.date(2024, 3, 1),
    *,
    holder: dict | Holder | None = None,
    receipt_number: str | None = None,
    **item: object,
) -> SaleIn:
    """A sale as the edge reads it; `holder=None` gives a new holder in `state`, a `Holder`
    leaves it to the service's `holder` argument."""
    if holder is None:
        holder = holder_data(state=state)
    return validate_input(
        SaleIn,
        {
            "product": product,
            "receipt_number": receipt_number or f"R-{next(_sequence)}",
            "item": {"kind": kind, "price": price, "description": "A test item", **item},
            "holder": None if isinstance(holder, Holder) else holder,
            "purchased": purchased,
        },
    )


def sell(
    product: str = "ljpp-lifetime",
    state: str = "OK",
    price: str = "1200.00",
    kind: str = "ring",
    purchased: object = dt.date(2024, 3, 1),
    *,
    store: Store | None = None,
    holder: dict | Holder | None = None,
    caller: Caller = SYSTEM,
    **item: object,
) -> Contract:
    """A contract sold through the real service; `item` adds sold, gift, water_resistant..."""
    existing = holder if isinstance(holder, Holder) else None
    sale = sale_in(product, state, price, kind, purchased, holder=holder, **item)
    return contract_sell(
        caller=caller, store=store or store_make(state=state), sale=sale, holder=existing
    )


def claim_in(
    *lines: tuple,
    cause: str = "wear_and_tear",
    filed: object = "2024-06-10",
    incident: object = "2024-06-01",
    **extra: object,
) -> ClaimIn:
    """A claim as filed: `lines` are (service, cost) or (service, cost, sizes)."""
    return validate_input(
        ClaimIn,
        {
            "incident": incident,
            "filed": filed,
            "cause": cause,
            "lines": [
                {
                    "service": line[0],
                    "cost": line[1],
                    **({"sizes": line[2]} if len(line) > 2 else {}),
                }
                for line in lines
            ],
            **extra,
        },
    )


def file_claim(contract: Contract, *lines: tuple, caller: Caller = SYSTEM, **claim: object):
    """File a claim through the real service (see `claim_in` for the arguments)."""
    return claim_file(caller=caller, contract=contract, claim=claim_in(*lines, **claim))


def review(claim, *, caller: Caller | None = None, **values: object):
    """An adjuster's review through the real service: confirm, `approved=...` or `deny=True`."""
    if caller is None:
        caller = Caller.provider(adjuster_make())
    if values.get("deny") or "approved" in values:
        # Denying or changing the amount takes the adjuster's written reason.
        values.setdefault("note", "reviewed in a test")
    return claim_review(caller=caller, claim=claim, review=validate_input(ReviewIn, values))


def fulfil(claim, *, caller: Caller = SYSTEM, **values: object):
    """The work done, through the real service: `actual_cost`, `completed`, `route`..."""
    return claim_fulfil(caller=caller, claim=claim, fulfilment=validate_input(FulfilmentIn, values))


def cancel(contract: Contract, *, caller: Caller = SYSTEM, **values: object):
    """Cancel through the real service: `date`, `by`, `reason`, `notice`."""
    return contract_cancel(
        caller=caller, contract=contract, cancellation=validate_input(CancellationIn, values)
    )


def pay_refund(cancellation, paid: object, *, caller: Caller = SYSTEM):
    return refund_payment_record(
        caller=caller,
        cancellation=cancellation,
        payment=validate_input(RefundPaymentIn, {"paid": paid}),
    )


def transfer(contract: Contract, date: object, *, to: dict | Holder | None = None, caller=SYSTEM):
    """Transfer through the real service, to a new holder (a dict) or an existing one."""
    existing = to if isinstance(to, Holder) else None
    values = {"date": date}
    if existing is None:
        values["holder"] = to or holder_data(name="Ben Recipient", state=contract.holder.state)
    return contract_transfer(
        caller=caller,
        contract=contract,
        transfer=validate_input(TransferIn, values),
        to_holder=existing,
    )


COUNTED = (
    Contract,
    Holder,
    HolderPeriod,
    ContractEvent,
    Cancellation,
    RefundPayment,
    Claim,
    ClaimLine,
    ClaimDecision,
    Reimbursement,
    AuditEntry,
)


def row_counts() -> dict[str, int]:
    """How many rows each written model holds: equal before and after a refused call."""
    return {model.__name__: model.objects.count() for model in COUNTED}


def catalog_counts() -> dict[str, int]:
    """The same for the catalog's rows."""
    models = (
        PlanProduct,
        PlanProductVersion,
        PlanPriceBand,
        PlanCoveredService,
        PlanStateVariation,
        PlanStateNotice,
        InsuranceProduct,
        InsuranceRatingVersion,
        AuditEntry,
    )
    return {model.__name__: model.objects.count() for model in models}


def snapshot(instance) -> dict:
    """Every field of a row as stored now, to compare before and after a refused call."""
    fresh = type(instance).objects.get(pk=instance.pk)
    return {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}


def assert_on_the_test_database() -> None:
    """Tests that commit or load data outside pytest-django's own transaction check first
    that they are not pointed at a real database."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        assert connection.creation.is_in_memory_db(name), name
    else:
        assert name.startswith("test_"), name


# --- fixtures, imported by the conftest of each folder that sells contracts -------------------


@pytest.fixture(scope="module")
def presets_once(django_db_setup, django_db_blocker):
    """The presets, loaded once per test module inside a transaction rolled back at its end.

    Each test still runs in its own savepoint (pytest-django's `db`), so tests stay isolated;
    they only share the published presets, which never change. Loading them costs more than
    most tests, so this keeps the service tests fast.
    """
    with django_db_blocker.unblock():
        assert_on_the_test_database()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            presets_load(caller=Caller.system("presets"))
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def presets(presets_once, db):
    """Overrides tests/conftest.py's `presets`: loaded once per module. It names `db` itself
    so that pytest-django, which decides from the tests' fixtures whether to create the test
    database, always creates it. (A module that commits, `django_db(transaction=True)`,
    defines its own `presets`.)"""
    return None

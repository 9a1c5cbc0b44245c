"""Bad input, as a hostile caller would send it, through the schemas and the services.

Every value gets one clear `InvalidInput` naming the field, every table is unchanged, no
message quotes a sensitive value or more than a short prefix of a long one. Runs on SQLite and
PostgreSQL alike; the last test reads the largest allowed `sizes` back on PostgreSQL.
"""

import copy
import datetime as dt
import re

import pytest
from django.db import connection
from factories import (
    SYSTEM,
    adjuster_make,
    cancel,
    file_claim,
    holder_data,
    row_counts,
    sell,
    snapshot,
    store_make,
)

from gemcare.claims.models import ClaimLine
from gemcare.claims.schemas import MAX_CLAIM_LINES, MAX_SIZES, ClaimIn, FulfilmentIn, ReviewIn
from gemcare.claims.services import claim_file, claim_fulfil, claim_review
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput
from gemcare.common.schemas import validate_input
from gemcare.contracts.holders import holder_update
from gemcare.contracts.schemas import (
    CancellationIn,
    HolderChangesIn,
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

HUGE = "x" * 10_000_000
SENSITIVE_VALUES = ("123-45-6789", "hello-ssn", "000123456789", "1980-05-17")

BASE = {
    "sale": {
        "product": "ljpp-lifetime",
        "receipt_number": "R-PROBE",
        "item": {"kind": "ring", "price": "1200.00", "description": "Ring", "serial": "S-1"},
        "holder": holder_data(
            phone="555-0100", address="1 Main St", government_id="OK-1", bank_account="1234"
        ),
        "purchased": "2024-03-01",
    },
    "claim": {
        "incident": "2024-06-01",
        "filed": "2024-06-10",
        "cause": "wear_and_tear",
        "lines": [{"service": "ring_sizing", "cost": "40.00", "sizes": 1}],
        "channel": "jeweler",
    },
    "transfer": {"date": "2024-07-01", "holder": holder_data(name="Bea")},
    "cancel": {"date": "2025-03-01", "by": "holder"},
    "fulfil": {"actual_cost": "40.00", "completed": "2024-06-20"},
    "review": {"approved": "1000.00", "note": "checked"},
    "refund": {"paid": "2025-03-20"},
    "holder": {"name": "Ada Holder", "email": "ada@example.com"},
}


def with_value(data: dict, path: str, value: object) -> dict:
    """A copy of `data` with `path` ("item.price", "lines[0].sizes") set to `value`."""
    data = copy.deepcopy(data)
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    target = data
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value
    return data


class World:
    """A contract with an approved claim, one awaiting review, and a cancelled contract."""

    def __init__(self) -> None:
        self.store = store_make()
        self.contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
        self.approved = file_claim(self.contract, ("prong_repair", "40.00"))
        big = sell("care-jewelry-lifetime", state="TX", price="5000.00")
        self.awaiting = file_claim(big, ("stone_replacement", "1800.00"), cause="accidental_damage")
        self.cancellation = cancel(sell(), date="2025-03-01")
        self.adjuster = Caller.provider(adjuster_make())

    def attempt(self, target: str, data: dict) -> None:
        """Read `data` at the edge, as every door does, then call the service."""
        if target == "sale":
            sale = validate_input(SaleIn, data)
            contract_sell(caller=SYSTEM, store=self.store, sale=sale)
        elif target == "claim":
            claim = validate_input(ClaimIn, data)
            claim_file(caller=SYSTEM, contract=self.contract, claim=claim)
        elif target == "transfer":
            transfer = validate_input(TransferIn, data)
            contract_transfer(caller=SYSTEM, contract=self.contract, transfer=transfer)
        elif target == "cancel":
            cancellation = validate_input(CancellationIn, data)
            contract_cancel(caller=SYSTEM, contract=self.contract, cancellation=cancellation)
        elif target == "fulfil":
            fulfilment = validate_input(FulfilmentIn, data)
            claim_fulfil(caller=SYSTEM, claim=self.approved, fulfilment=fulfilment)
        elif target == "review":
            review = validate_input(ReviewIn, data)
            claim_review(caller=self.adjuster, claim=self.awaiting, review=review)
        elif target == "refund":
            payment = validate_input(RefundPaymentIn, data)
            refund_payment_record(caller=SYSTEM, cancellation=self.cancellation, payment=payment)
        elif target == "holder":
            changes = validate_input(HolderChangesIn, data)
            holder_update(caller=SYSTEM, holder=self.contract.holder, changes=changes)
        else:  # pragma: no cover
            raise AssertionError(target)


TEXT_FIELDS = {
    "sale": [
        "product",
        "receipt_number",
        "item.description",
        "item.serial",
        "holder.name",
        "holder.email",
        "holder.phone",
        "holder.address",
        "holder.ssn",
        "holder.government_id",
        "holder.bank_account",
    ],
    "transfer": ["holder.name", "holder.email", "holder.address"],
    "review": ["note"],
    "fulfil": ["repair_center"],
    "holder": ["name", "email", "phone", "address", "ssn", "government_id", "bank_account"],
}

PROBES = [
    # (name, target, path, value); the error must name `path`.
    ("sizes 70000", "claim", "lines[0].sizes", 70000),
    ("sizes 65537", "claim", "lines[0].sizes", 65537),
    ("sizes 0", "claim", "lines[0].sizes", 0),
    ("sizes -1", "claim", "lines[0].sizes", -1),
    ("sizes a float", "claim", "lines[0].sizes", 2.5),
    ("sizes text", "claim", "lines[0].sizes", "3.5"),
    ("sizes a bool", "claim", "lines[0].sizes", True),
    ("sizes of 10**30 digits", "claim", "lines[0].sizes", "9" * 40),
    (
        "12,000 lines",
        "claim",
        "lines",
        [{"service": "prong_repair", "cost": "1.00"}] * 12_000,
    ),
    (
        f"{MAX_CLAIM_LINES + 1} lines",
        "claim",
        "lines",
        [{"service": "prong_repair", "cost": "1.00"}] * (MAX_CLAIM_LINES + 1),
    ),
    ("no lines", "claim", "lines", []),
    ("lines as text", "claim", "lines", "prong_repair"),
    ("400-character description", "sale", "item.description", "d" * 400),
    ("10 MB description", "sale", "item.description", HUGE),
    ("10 MB holder name", "sale", "holder.name", HUGE),
    ("10 MB SSN", "sale", "holder.ssn", HUGE),
    ("10 MB note", "review", "note", HUGE),
    ("10 MB receipt", "sale", "receipt_number", HUGE),
    ("purchased in 3026", "sale", "purchased", "3026-01-01"),
    ("purchased in 1800", "sale", "purchased", "1800-01-01"),
    ("purchased not a date", "sale", "purchased", "yesterday"),
    ("purchased a number", "sale", "purchased", 20240301),
    ("item sold in 3026", "sale", "item.sold", "3026-01-01"),
    ("transfer in 3000", "transfer", "date", "3000-01-01"),
    ("transfer tomorrow", "transfer", "date", "tomorrow"),
    ("cancellation on 3000-01-01", "cancel", "date", "3000-01-01"),
    ("cancellation by the holder ahead", "cancel", "date", "tomorrow"),
    ("cancellation in 1800", "cancel", "date", "1800-01-01"),
    ("claim filed in 3000", "claim", "filed", "3000-01-01"),
    ("incident in 1800", "claim", "incident", "1800-01-01"),
    ("incident in 3000", "claim", "incident", "3000-01-01"),
    ("fulfilment in 3000", "fulfil", "completed", "3000-01-01"),
    ("refund paid in 3000", "refund", "paid", "3000-01-01"),
    ("email not-an-email", "sale", "holder.email", "not-an-email"),
    ("email changed to not-an-email", "holder", "email", "not-an-email"),
    ("SSN hello", "sale", "holder.ssn", "hello-ssn"),
    ("SSN too long", "holder", "ssn", "123-45-67890"),
    ("date of birth not-a-date", "sale", "holder.date_of_birth", "not-a-date"),
    ("date of birth ahead", "holder", "date_of_birth", "3000-01-01"),
    ("bank account letters", "sale", "holder.bank_account", "12AB34"),
    ("unknown channel", "claim", "channel", "carrier_pigeon"),
    ("unknown cause", "claim", "cause", "meteor"),
    ("unknown service", "claim", "lines[0].service", "teleport"),
    ("unknown item kind", "sale", "item.kind", "tiara"),
    ("unknown state", "sale", "holder.state", "ZZ"),
    ("unknown canceller", "cancel", "by", "customer"),
    ("unknown cancellation reason", "cancel", "reason", "bored"),
    ("unknown route", "fulfil", "route", "by_drone"),
    ("unknown sale field", "sale", "discount", "10%"),
    ("unknown holder field", "sale", "holder.SSN", "123-45-6789"),
    ("unknown claim field", "claim", "lines[0].colour", "red"),
    ("price a list", "sale", "item.price", ["1200.00"]),
    ("price a float", "sale", "item.price", 1200.0),
    ("price NaN", "sale", "item.price", "NaN"),
    ("price Infinity", "sale", "item.price", "Infinity"),
    ("price zero", "sale", "item.price", "0.00"),
    ("price negative", "sale", "item.price", "-1.00"),
    ("price absurd", "sale", "item.price", "1" * 40),
    ("price three decimals", "sale", "item.price", "12.345"),
    ("cost a mapping", "claim", "lines[0].cost", {"amount": "1.00"}),
    ("cost NaN", "claim", "lines[0].cost", float("nan")),
    ("cost nan text", "claim", "lines[0].cost", "nan"),
    ("cost three decimals", "claim", "lines[0].cost", "1.005"),
    ("actual cost three decimals", "fulfil", "actual_cost", "1.001"),
    ("actual cost NaN", "fulfil", "actual_cost", "NaN"),
    ("review amount three decimals", "review", "approved", "1.001"),
    ("review deny as text", "review", "deny", "yes"),
    ("repairable as text", "claim", "repairable", "no"),
    ("repairable as 0", "claim", "repairable", 0),
    ("maintenance as 1", "claim", "maintenance_done", 1),
    ("water resistant as text", "sale", "item.water_resistant", "true"),
    ("gift as 1", "sale", "item.gift", 1),
    ("holder as text", "sale", "holder", "Ada"),
    ("item as a list", "sale", "item", ["ring"]),
    ("incident a number", "claim", "incident", 20240601),
    ("product a number", "sale", "product", 42),
    *(
        (f"NUL in {target} {path}", target, path, "a\x00b")
        for target, paths in TEXT_FIELDS.items()
        for path in paths
    ),
]


@pytest.fixture
def world(presets):
    return World()


def tomorrow() -> str:
    from gemcare.common.clock import today

    return (today() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("target", "path", "value"),
    [probe[1:] for probe in PROBES],
    ids=[probe[0] for probe in PROBES],
)
def test_a_bad_value_is_a_clear_error_naming_the_field_and_changes_nothing(
    world, target, path, value
):
    value = tomorrow() if value == "tomorrow" else value
    data = with_value(BASE[target], path, value)
    rows = [world.contract, world.approved, world.awaiting, world.cancellation]
    before = [snapshot(row) for row in rows], row_counts()

    with pytest.raises(InvalidInput) as invalid:
        world.attempt(target, data)

    error = invalid.value
    assert error.field == path
    assert error.message
    shown = " ".join([error.describe(), str(error.as_dict()), str(error.errors), str(error)])
    assert len(shown) < 1000  # a short prefix at most, never the whole value
    assert not any(secret in shown for secret in SENSITIVE_VALUES)
    assert ([snapshot(row) for row in rows], row_counts()) == before


def test_the_probe_covers_every_text_field_of_the_sale():
    covered = set(TEXT_FIELDS["sale"])
    schema_text = {"product", "receipt_number"}
    schema_text |= {f"item.{name}" for name in ("description", "serial")}
    holder = ("name", "email", "phone", "address", "ssn", "government_id", "bank_account")
    schema_text |= {f"holder.{name}" for name in holder}
    assert schema_text <= covered


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads a small-int column back")
def test_the_largest_sizes_allowed_is_stored_and_read_back_equal(presets):
    contract = sell("ljpp-lifetime", price="1200.00")

    claim = file_claim(contract, ("ring_sizing", "40.00", MAX_SIZES))

    line = ClaimLine.objects.get(claim=claim)
    assert line.sizes == MAX_SIZES
    with connection.cursor() as cursor:
        cursor.execute("SELECT sizes FROM claims_claimline WHERE id = %s", [line.pk])
        assert cursor.fetchone()[0] == MAX_SIZES

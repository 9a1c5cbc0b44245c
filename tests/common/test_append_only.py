"""The audit log and the money and status ledgers are append-only in the database itself.

The models refuse changes in Python; these tests go around the models, the way a careless
script or a direct SQL session would, and find the database refusing (common migration 0003).
Rows are written straight through the ORM, not the services: what is under test is the table.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.db.models.query import QuerySet
from factories import retailer_make, snapshot, store_make

from gemcare.catalog.models import InsuranceRatingVersion, PlanProductVersion
from gemcare.claims.models import Claim, ClaimDecision, Reimbursement
from gemcare.common.models import AuditEntry
from gemcare.contracts.models import Cancellation, Contract, ContractEvent, Holder, RefundPayment
from gemcare.insurance.models import Policy, PolicyCancellation, PolicyEvent, PolicyRenewal

DAY = dt.date(2026, 3, 2)
MONEY = Decimal("100.00")


def _contract() -> Contract:
    store = store_make()
    return Contract.objects.create(
        number="C-APPEND-1",
        product_version=PlanProductVersion.objects.filter(status="published").first(),
        retailer=store.retailer,
        store=store,
        receipt_number="R-1",
        item_kind="ring",
        item_price=Decimal("1200.00"),
        item_sold_on=DAY,
        holder=Holder.objects.create(name="Ada Holder", state="OK"),
        state_at_sale="OK",
        plan_price=MONEY,
        commission=MONEY,
        purchased_on=DAY,
        last_event_on=DAY,
    )


def _claim(contract: Contract) -> Claim:
    return Claim.objects.create(
        number="K-APPEND-1",
        contract=contract,
        retailer=contract.retailer,
        filed_on=DAY,
        incident_on=DAY,
        cause="wear",
        status="approved",
        decision="approved",
    )


def _policy() -> Policy:
    return Policy.objects.create(
        number="P-APPEND-1",
        rating_version=InsuranceRatingVersion.objects.filter(status="published").first(),
        state="OK",
        inception_on=DAY,
        period_start=DAY,
        period_end=DAY + dt.timedelta(days=365),
        deductible=MONEY,
        premium=MONEY,
    )


def _cancellation(contract: Contract) -> Cancellation:
    return Cancellation.objects.create(
        contract=contract,
        cancel_on=DAY,
        by=Cancellation.HOLDER,
        unearned=MONEY,
        services_deducted=MONEY,
        unearned_factor=Decimal("1.0000"),
        refund=MONEY,
        due_on=DAY,
    )


def _ledger_rows() -> dict[type, models.Model]:
    contract = _contract()
    claim = _claim(contract)
    policy = _policy()
    cancellation = _cancellation(contract)
    return {
        AuditEntry: AuditEntry.objects.create(
            actor_label="system:test", action="retailer_added", entity="retailer", entity_id="1"
        ),
        ContractEvent: ContractEvent.objects.create(contract=contract, on=DAY, kind="sold"),
        Cancellation: cancellation,
        RefundPayment: RefundPayment.objects.create(
            cancellation=cancellation,
            paid_on=DAY,
            refund=MONEY,
            days_late=0,
            penalty=Decimal("0.00"),
            total=MONEY,
        ),
        ClaimDecision: ClaimDecision.objects.create(
            claim=claim,
            source=ClaimDecision.ENGINE,
            decision="approved",
            approved=MONEY,
            holder_share=Decimal("0.00"),
            status="approved",
        ),
        Reimbursement: Reimbursement.objects.create(
            claim=claim, actual_cost=MONEY, amount=MONEY, completed_on=DAY
        ),
        PolicyEvent: PolicyEvent.objects.create(
            policy=policy, kind=PolicyEvent.BOUND, on=DAY, period_start=DAY, premium=MONEY
        ),
        PolicyCancellation: PolicyCancellation.objects.create(
            policy=policy,
            cancel_on=DAY,
            by=PolicyCancellation.INSURED,
            premium_in_force=MONEY,
            refund=MONEY,
        ),
        PolicyRenewal: PolicyRenewal.objects.create(
            policy=policy,
            period_start=DAY + dt.timedelta(days=365),
            period_end=DAY + dt.timedelta(days=730),
            rating_version=policy.rating_version,
            limits={},
            premium=MONEY,
        ),
    }


LEDGERS = [
    AuditEntry,
    ContractEvent,
    Cancellation,
    RefundPayment,
    ClaimDecision,
    Reimbursement,
    PolicyEvent,
    PolicyCancellation,
    PolicyRenewal,
]


def _a_field(model) -> str:
    """A column every ledger has that an UPDATE can set to a different value."""
    for name in ("action", "kind", "by", "status", "completed_on", "paid_on", "period_end"):
        if any(field.name == name for field in model._meta.fields):
            return name
    raise AssertionError(f"no field to change on {model.__name__}")


def _changed_value(row, name):
    value = getattr(row, name)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    return "changed"


def _base_manager_update(row):
    name = _a_field(type(row))
    type(row)._base_manager.filter(pk=row.pk).update(**{name: _changed_value(row, name)})


def _plain_queryset_update(row):
    name = _a_field(type(row))
    QuerySet(type(row)).filter(pk=row.pk).update(**{name: _changed_value(row, name)})


def _base_manager_delete(row):
    type(row)._base_manager.filter(pk=row.pk).delete()


def _plain_queryset_delete(row):
    QuerySet(type(row)).filter(pk=row.pk).delete()


def _raw_delete(row):
    QuerySet(type(row)).filter(pk=row.pk)._raw_delete(using="default")


def _model_save(row):
    name = _a_field(type(row))
    setattr(row, name, _changed_value(row, name))
    # The base class's save, past the model's own refusal: an UPDATE of the existing row.
    models.Model.save(row)


def _sql(statement: str):
    def run(row):
        table = connection.ops.quote_name(row._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=table), [row.pk])

    return run


WAYS = {
    "base_manager_update": _base_manager_update,
    "queryset_update": _plain_queryset_update,
    "base_manager_delete": _base_manager_delete,
    "queryset_delete": _plain_queryset_delete,
    "raw_delete": _raw_delete,
    "model_save": _model_save,
    "sql_update": _sql("UPDATE {table} SET id = id WHERE id = %s"),
    "sql_delete": _sql("DELETE FROM {table} WHERE id = %s"),
}


@pytest.fixture
def ledger_rows(presets):
    return _ledger_rows()


@pytest.mark.parametrize("model", LEDGERS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("way", list(WAYS))
def test_a_ledger_row_cannot_be_changed_or_deleted_around_the_model(ledger_rows, model, way):
    row = ledger_rows[model]
    stored = model._base_manager.get(pk=row.pk)
    before = snapshot(stored)
    count = model._base_manager.count()

    # A cancellation with a payment is also protected by its payment's foreign key: the ORM
    # refuses that delete before the database is asked (raw deletes reach the trigger).
    with (
        pytest.raises(IntegrityError, match=r"append-only|protected foreign keys"),
        transaction.atomic(),
    ):
        WAYS[way](stored)

    assert snapshot(model._base_manager.get(pk=row.pk)) == before
    assert model._base_manager.count() == count


def test_the_ledgers_still_take_new_rows(ledger_rows):
    for model, row in ledger_rows.items():
        assert model._base_manager.filter(pk=row.pk).exists(), model.__name__


def test_the_rows_a_ledger_refers_to_may_still_change(ledger_rows):
    """Only the ledgers are append-only: the contract they belong to moves on."""
    contract = ledger_rows[ContractEvent].contract

    Contract.objects.filter(pk=contract.pk).update(status="cancelled")

    assert Contract.objects.get(pk=contract.pk).status == "cancelled"


@pytest.mark.django_db
def test_every_ledger_has_its_triggers():
    """A later migration that remakes a ledger table on SQLite would lose them silently."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE '%%append_only%%'"
            )
        tables = {table for (table,) in cursor.fetchall()}
    assert {model._meta.db_table for model in LEDGERS} <= tables


def test_a_retailer_row_is_not_a_ledger(db):
    """Sanity: tables outside the ledgers accept updates (the triggers are targeted)."""
    retailer = retailer_make()

    type(retailer).objects.filter(pk=retailer.pk).update(name="Renamed")

    assert type(retailer).objects.get(pk=retailer.pk).name == "Renamed"


@pytest.mark.django_db(transaction=True)
def test_a_flush_of_the_test_database_keeps_the_triggers():
    """How a transactional test ends (tests/conftest.py makes it work on SQLite)."""
    from django.core.management import call_command

    entry = AuditEntry.objects.create(actor_label="system:test", action="x", entity="y")

    call_command("flush", interactive=False, verbosity=0)

    assert AuditEntry.objects.count() == 0
    entry = AuditEntry.objects.create(actor_label="system:test", action="x", entity="y")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEntry._base_manager.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()

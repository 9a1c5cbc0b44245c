"""What a sale writes, written together; the compiled statements it is written with; and the
store a sale names, read in one statement.

On PostgreSQL the holder, the contract, its first holder period, its `sold` event and both
audit entries are one statement (`InsertChain`); elsewhere one insert after the other. The
rows must be the same either way, and a refusal must leave none of them.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from factories import SYSTEM, holder_data, retailer_make, row_counts, sale_in, store_make

from gemcare.common.callers import Caller
from gemcare.common.errors import NotFound, Refused
from gemcare.common.models import AuditEntry
from gemcare.common.statements import CompiledInsert, InsertChain, Ref, constraint_broken
from gemcare.contracts.models import Contract, ContractEvent, Holder, HolderPeriod
from gemcare.contracts.services import contract_sell, sale_store_get
from gemcare.partners.models import Retailer
from gemcare.rules.pricing import retailer_commission
from gemcare.webhooks.models import WebhookDelivery, WebhookEndpoint

SECRET_SSN = "123-45-6789"
LABEL = "system:tests"


def test_a_sale_writes_its_rows_and_both_audit_entries(presets):
    store = store_make(retailer=retailer_make(commission_rate="0.3500"))
    sale = sale_in(holder=holder_data(ssn=SECRET_SSN, phone="555-0100"))
    contract = contract_sell(caller=SYSTEM, store=store, sale=sale)
    stored = Contract.objects.select_related("holder", "product_version").get(pk=contract.pk)
    holder = stored.holder
    # What the service returns is what the database holds.
    for field in Contract._meta.concrete_fields:
        assert getattr(contract, field.attname) == getattr(stored, field.attname), field.name
    assert (contract.holder, contract.store, contract.product_version) == (
        holder,
        store,
        stored.product_version,
    )
    assert contract.commission == retailer_commission(contract.plan_price, Decimal("0.3500"))
    assert holder.ssn == SECRET_SSN and holder.phone == "555-0100"
    # Encrypted at rest, as through the ORM.
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn FROM contracts_holder WHERE id = %s", [holder.pk])
        (at_rest,) = cursor.fetchone()
    assert at_rest and SECRET_SSN not in at_rest
    period = HolderPeriod.objects.get(contract=contract)
    assert (period.holder_id, period.since, period.until, period.reason) == (
        holder.pk,
        contract.purchased_on,
        None,
        HolderPeriod.SALE,
    )
    event = ContractEvent.objects.get(contract=contract)
    assert (event.kind, event.on, event.from_status, event.to_status, event.data) == (
        "sold",
        contract.purchased_on,
        "",
        "active",
        {},
    )
    entries = list(AuditEntry.objects.order_by("id").values_list("action", "entity", "entity_id"))
    assert entries[-2:] == [
        ("holder_created", "holder", str(holder.pk)),
        ("contract_sold", "contract", str(contract.pk)),
    ]
    created = AuditEntry.objects.get(action="holder_created", entity_id=str(holder.pk))
    assert created.retailer_id == store.retailer_id
    assert created.data == {"fields": ["email", "name", "phone", "ssn", "state"]}
    assert SECRET_SSN not in str(AuditEntry.objects.values_list("data", flat=True))


def test_a_sale_to_an_existing_holder_writes_no_holder(presets):
    store = store_make()
    first = contract_sell(caller=SYSTEM, store=store, sale=sale_in())
    holder = Holder.objects.get(pk=first.holder_id)
    before = row_counts()
    second = contract_sell(caller=SYSTEM, store=store, sale=sale_in(holder=holder), holder=holder)
    after = row_counts()
    assert second.holder_id == holder.pk
    assert after["Holder"] == before["Holder"]
    assert (after["Contract"], after["HolderPeriod"], after["AuditEntry"]) == (
        before["Contract"] + 1,
        before["HolderPeriod"] + 1,
        before["AuditEntry"] + 1,
    )


def test_the_outbox_row_is_written_with_the_sale(presets):
    store = store_make()
    WebhookEndpoint.objects.create(
        retailer=store.retailer, url="https://pos.example/hooks", events=["contract.created"]
    )
    contract = contract_sell(caller=SYSTEM, store=store, sale=sale_in())
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["data"]["contract"] == contract.number
    before = row_counts()
    with pytest.raises(Refused):
        contract_sell(
            caller=SYSTEM,
            store=store,
            sale=sale_in(receipt_number=contract.receipt_number),
        )
    assert row_counts() == before and WebhookDelivery.objects.count() == 1


@pytest.mark.parametrize("pending", [False, True])
def test_a_layaway_sale_records_its_status_in_every_row(presets, pending):
    store = store_make()
    sale = sale_in().model_copy(update={"pending_pickup": pending})
    contract = contract_sell(caller=SYSTEM, store=store, sale=sale)
    status = "pending_pickup" if pending else "active"
    assert contract.status == Contract.objects.get(pk=contract.pk).status == status
    assert ContractEvent.objects.get(contract=contract).to_status == status


# --- the store a sale names -------------------------------------------------------------------


def test_a_sale_names_only_the_callers_store_in_one_statement(db):
    store = store_make()
    sister = store_make(retailer=store.retailer)
    other = store_make()
    caller = Caller.retailer(store.retailer)
    with CaptureQueriesContext(connection) as queries:
        found = sale_store_get(caller=caller, code=store.code)
    assert len(queries) == 1
    assert (found, found.retailer, found.retailer.commission_rate) == (
        store,
        store.retailer,
        store.retailer.commission_rate,
    )
    assert sale_store_get(caller=caller, code=sister.code) == sister
    limited = Caller.retailer(store.retailer, store=store)
    assert sale_store_get(caller=limited, code=store.code) == store
    for who, code in [
        (caller, other.code),  # another retailer's
        (limited, sister.code),  # another store of a key limited to one
        (caller, "no-such-store"),
        (caller, None),
        (caller, 7),
    ]:
        with pytest.raises(NotFound) as error:
            sale_store_get(caller=who, code=code)
        assert error.value.code == "store_not_found"
    # The provider and a holder go through the selector itself.
    assert sale_store_get(caller=SYSTEM, code=other.code) == other
    with pytest.raises(NotFound):
        sale_store_get(caller=Caller.holder(Holder(pk=1)), code=store.code)


def test_the_store_lookup_scopes_by_tenant_only(db):
    """As `store_for_sale`: whether the retailer may still sell is its key's check."""
    store = store_make()
    Retailer.objects.filter(pk=store.retailer_id).update(is_active=False)
    assert sale_store_get(caller=Caller.retailer(store.retailer), code=store.code) == store


# --- the compiled statements ------------------------------------------------------------------


def test_a_compiled_insert_names_every_column_without_a_database_default(db):
    with pytest.raises(ValueError, match="leaves out"):
        CompiledInsert(HolderPeriod, "contract_id", "holder_id", "since")
    with pytest.raises(ValueError, match="by attribute"):
        CompiledInsert(HolderPeriod, "contract", "holder_id", "since", "until", "reason")
    # Only an insert of every column in the model's order builds rows and instances.
    reordered = CompiledInsert(HolderPeriod, "holder_id", "contract_id", "since", "until", "reason")
    with pytest.raises(TypeError):
        reordered.row(contract_id=1)
    whole = CompiledInsert(HolderPeriod)
    assert whole.row(contract_id=1, holder_id=2, since=dt.date(2024, 3, 1), reason="sale") == [
        1,
        2,
        dt.date(2024, 3, 1),
        None,
        "sale",
    ]
    with pytest.raises(TypeError):
        whole.row(contract_id=1, no_such_field=2)


def test_a_chain_refers_to_the_rows_before_it(presets):
    """Holders, then contracts naming them by position, then audit entries naming both as
    text: the same rows on either database."""
    store = store_make()
    version = Contract._meta.get_field("product_version").related_model.objects.first()
    holders = CompiledInsert(Holder)
    contracts = CompiledInsert(Contract)
    audits = CompiledInsert(
        AuditEntry,
        "at",
        "actor_id",
        "actor_label",
        "retailer_id",
        "action",
        "entity",
        "entity_id",
        "data",
    )
    day = dt.date(2024, 3, 1)

    def contract_row(number, holder):
        return contracts.row(
            number=f"CX{number}",
            product_version_id=version.pk,
            retailer_id=store.retailer_id,
            store_id=store.pk,
            receipt_number="R-CHAIN",
            receipt_line=number,
            item_kind="ring",
            item_price=Decimal("600.00"),
            item_sold_on=day,
            holder_id=holder,
            state_at_sale="OK",
            plan_price=Decimal("69.00"),
            commission=Decimal("27.60"),
            purchased_on=day,
            last_event_on=day,
        )

    now = dt.datetime.now(dt.UTC)
    chain = InsertChain(holders, contracts, audits)
    ids = chain.insert(
        [
            [holders.row(name="First", state="OK"), holders.row(name="Second", state="TX")],
            [contract_row(1, Ref(0, 1)), contract_row(2, Ref(0, 0))],
            [
                (now, None, LABEL, None, "chained", "contract", Ref(1, 1, as_text=True), {}),
                (now, None, LABEL, None, "chained", "holder", Ref(0, as_text=True), {}),
            ],
        ]
    )
    first, second = ids[0]
    assert list(Holder.objects.filter(pk__in=ids[0]).order_by("pk").values_list("name")) == [
        ("First",),
        ("Second",),
    ]
    assert dict(Contract.objects.filter(pk__in=ids[1]).values_list("number", "holder_id")) == {
        "CX1": second,
        "CX2": first,
    }
    assert list(
        AuditEntry.objects.filter(pk__in=ids[2]).order_by("pk").values_list("entity_id", flat=True)
    ) == [str(ids[1][1]), str(first)]


def test_a_chain_that_breaks_a_constraint_writes_nothing(presets):
    store = store_make()
    taken = contract_sell(caller=SYSTEM, store=store, sale=sale_in())
    holders = CompiledInsert(Holder)
    periods = CompiledInsert(HolderPeriod, "contract_id", "holder_id", "since", "until", "reason")
    chain = InsertChain(holders, periods)
    before = row_counts()
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        chain.insert(
            [
                [holders.row(name="Never Kept", state="OK")],
                # A second current period of the same contract.
                [(taken.pk, Ref(0), dt.date(2024, 3, 1), None, "sale")],
            ]
        )
    assert constraint_broken(error.value, HolderPeriod, "holder_period_one_current")
    assert not constraint_broken(error.value, Contract, "contract_one_live_sale_per_receipt_line")
    assert row_counts() == before

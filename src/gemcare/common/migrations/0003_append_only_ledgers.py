"""The audit log and the money and status ledgers refuse UPDATE and DELETE in the database.

The models already refuse changes, but `_base_manager`, a plain `QuerySet`, `_raw_delete`,
`Model.save` and raw SQL go around them; a trigger does not. Rows are only ever inserted.
(TRUNCATE is left alone: it is how a test database on PostgreSQL is emptied.)

On SQLite, a later migration that remakes one of these tables (SQLite's way of altering a
column) drops its triggers with the old table: such a migration must create them again.
tests/common/test_append_only.py fails if any ledger accepts an UPDATE or a DELETE.
"""

from django.db import migrations

LEDGERS = [
    ("common", "AuditEntry"),
    ("contracts", "ContractEvent"),
    ("contracts", "Cancellation"),
    ("contracts", "RefundPayment"),
    ("claims", "ClaimDecision"),
    ("claims", "Reimbursement"),
    ("insurance", "PolicyEvent"),
    ("insurance", "PolicyCancellation"),
    ("insurance", "PolicyRenewal"),
]

FUNCTION = "gemcare_append_only"

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$
"""


def _tables(apps) -> list[str]:
    return [apps.get_model(app, model)._meta.db_table for app, model in LEDGERS]


def _trigger(table: str, operation: str) -> str:
    return f"{table}_append_only_{operation.lower()}"


def create_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # No parameters: the function body uses % as plpgsql placeholders.
        schema_editor.execute(POSTGRESQL_FUNCTION, params=None)
        for table in _tables(apps):
            schema_editor.execute(
                f'CREATE TRIGGER "{_trigger(table, "change")}" BEFORE UPDATE OR DELETE '
                f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()'
            )
    elif vendor == "sqlite":
        for table in _tables(apps):
            for operation in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f'CREATE TRIGGER "{_trigger(table, operation)}" BEFORE {operation} '
                    f'ON "{table}" BEGIN '
                    f"SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
                )
    else:
        raise NotImplementedError(f"append-only ledgers are not written for {vendor}")


def drop_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in _tables(apps):
            trigger = _trigger(table, "change")
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{table}"')
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    elif vendor == "sqlite":
        for table in _tables(apps):
            for operation in ("UPDATE", "DELETE"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{_trigger(table, operation)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0002_audit_caller_and_tenant"),
        ("contracts", "0002_contract_dates_and_indexes"),
        ("claims", "0003_claim_retailer_and_queue_indexes"),
        ("insurance", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]

"""Deliveries and attempts are a ledger, held in the database as well as in the code.

Attempts refuse every UPDATE and DELETE (the function of common migration 0003 on
PostgreSQL). Deliveries refuse DELETE, and any UPDATE that changes a column other than
`status`, `attempts` and `next_attempt_at`. The triggers are named `*_append_only_*`, as
tests/conftest.py expects of the triggers it lifts while SQLite empties the tables.
"""

from django.db import migrations

ATTEMPTS = "webhooks_webhookattempt"
DELIVERIES = "webhooks_webhookdelivery"
FIXED_COLUMNS = ("endpoint_id", "retailer_id", "event", "webhook_id", "payload", "created_at")
DELIVERY_FUNCTION = "gemcare_webhook_delivery_fixed"

POSTGRESQL_DELIVERY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {DELIVERY_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.id IS DISTINCT FROM OLD.id
        {"".join(f" OR NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED_COLUMNS)} THEN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$
"""


def create_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f'CREATE TRIGGER "{ATTEMPTS}_append_only_change" BEFORE UPDATE OR DELETE '
            f'ON "{ATTEMPTS}" FOR EACH ROW EXECUTE FUNCTION gemcare_append_only()'
        )
        schema_editor.execute(POSTGRESQL_DELIVERY_FUNCTION, params=None)
        schema_editor.execute(
            f'CREATE TRIGGER "{DELIVERIES}_append_only_change" BEFORE UPDATE OR DELETE '
            f'ON "{DELIVERIES}" FOR EACH ROW EXECUTE FUNCTION {DELIVERY_FUNCTION}()'
        )
    elif vendor == "sqlite":
        for operation in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f'CREATE TRIGGER "{ATTEMPTS}_append_only_{operation.lower()}" '
                f'BEFORE {operation} ON "{ATTEMPTS}" BEGIN '
                f"SELECT RAISE(ABORT, '{ATTEMPTS} is append-only: {operation} refused'); END"
            )
        columns = ", ".join(("id", *FIXED_COLUMNS))
        schema_editor.execute(
            f'CREATE TRIGGER "{DELIVERIES}_append_only_update" '
            f'BEFORE UPDATE OF {columns} ON "{DELIVERIES}" BEGIN '
            f"SELECT RAISE(ABORT, '{DELIVERIES} is append-only: UPDATE refused') "
            "WHERE "
            + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in ("id", *FIXED_COLUMNS))
            + "; END"
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{DELIVERIES}_append_only_delete" BEFORE DELETE ON "{DELIVERIES}" '
            f"BEGIN SELECT RAISE(ABORT, '{DELIVERIES} is append-only: DELETE refused'); END"
        )
    else:
        raise NotImplementedError(f"append-only ledgers are not written for {vendor}")


def drop_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in (ATTEMPTS, DELIVERIES):
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only_change" ON "{table}"')
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {DELIVERY_FUNCTION}()")
    elif vendor == "sqlite":
        for table in (ATTEMPTS, DELIVERIES):
            for operation in ("update", "delete"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only_{operation}"')


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("common", "0003_append_only_ledgers"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]

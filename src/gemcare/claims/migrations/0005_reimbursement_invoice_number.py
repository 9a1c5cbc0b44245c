"""The jeweler's invoice number on a reimbursement.

Reimbursements are an append-only ledger (common migration 0003): adding a column is no
change to any row, and the triggers refuse UPDATE and DELETE as before. On SQLite, though,
adding a NOT NULL column remakes the table, and the table's triggers go with the old one, so
they are created again here (tests/common/test_append_only.py checks every ledger).
"""

from django.db import migrations, models

TABLE = "claims_reimbursement"
OPERATIONS = ("UPDATE", "DELETE")


def _trigger(operation: str) -> str:
    return f"{TABLE}_append_only_{operation.lower()}"


def sqlite_triggers_restored(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL adds the column in place: its trigger stays.
    for operation in OPERATIONS:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{_trigger(operation)}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{_trigger(operation)}" BEFORE {operation} ON "{TABLE}" BEGIN '
            f"SELECT RAISE(ABORT, '{TABLE} is append-only: {operation} refused'); END"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_index_tuning"),
        ("common", "0003_append_only_ledgers"),
    ]

    operations = [
        # Run backwards, after the column is removed (SQLite remakes the table again then).
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers_restored),
        migrations.AddField(
            model_name="reimbursement",
            name="invoice_number",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(sqlite_triggers_restored, migrations.RunPython.noop),
    ]

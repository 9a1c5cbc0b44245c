"""Losses get a life: their status, the facts of the report, the appraisal, the settlement,
the plan that also covers the item, and the append-only log of every step.

The log of a loss's steps is a status and money ledger: like the ledgers of common migration
0003, its table refuses UPDATE and DELETE in the database itself.
"""

import django.db.models.deletion
from django.db import migrations, models

import gemcare.common.fields

LEDGERS = [("insurance", "LossEvent")]
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


def create_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for table in _tables(apps):
        if vendor == "postgresql":
            schema_editor.execute(POSTGRESQL_FUNCTION, params=None)
            schema_editor.execute(
                f'CREATE TRIGGER "{table}_append_only_change" BEFORE UPDATE OR DELETE '
                f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()'
            )
        elif vendor == "sqlite":
            for operation in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f'CREATE TRIGGER "{table}_append_only_{operation.lower()}" BEFORE '
                    f'{operation} ON "{table}" BEGIN '
                    f"SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
                )
        else:
            raise NotImplementedError(f"append-only ledgers are not written for {vendor}")


def drop_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for table in _tables(apps):
        if vendor == "postgresql":
            schema_editor.execute(
                f'DROP TRIGGER IF EXISTS "{table}_append_only_change" ON "{table}"'
            )
        elif vendor == "sqlite":
            for operation in ("update", "delete"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only_{operation}"')


def losses_recorded_before(apps, schema_editor) -> None:
    """A loss recorded before losses had a life was settled when recorded: its amount was
    agreed then (or it was denied)."""
    loss_model = apps.get_model("insurance", "Loss")
    loss_model.objects.filter(covered=False).update(status="denied")
    loss_model.objects.filter(covered=True).update(status="agreed")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_claim_photos_and_review_requests"),
        ("common", "0003_append_only_ledgers"),
        ("contracts", "0005_pending_pickup_status"),
        ("insurance", "0002_policy_lifecycle"),
        ("partners", "0002_api_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="LossEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("reported", "Reported"),
                            ("proof_requested", "Proof of loss requested"),
                            ("plan_linked", "Service plan linked"),
                            ("agreed", "Amount agreed"),
                            ("denied", "Denied"),
                            ("appraisal_demanded", "Appraisal demanded"),
                            ("appraiser_named", "Appraiser named"),
                            ("umpire_named", "Umpire named"),
                            ("appraisal_award", "Appraisal award"),
                            ("settled", "Settled"),
                            ("recovered", "Property recovered"),
                            ("closed", "Closed"),
                        ],
                        max_length=20,
                    ),
                ),
                ("on", models.DateField(help_text="The date the step happened.")),
                (
                    "status",
                    models.CharField(help_text="The loss's status after this step.", max_length=16),
                ),
                (
                    "by",
                    models.CharField(
                        blank=True,
                        help_text="Who took the step, or how it was settled.",
                        max_length=16,
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        blank=True, help_text="An appraiser, an umpire.", max_length=200
                    ),
                ),
                (
                    "amount",
                    gemcare.common.fields.MoneyField(
                        blank=True, help_text="The payout this step established.", null=True
                    ),
                ),
                ("refund", gemcare.common.fields.MoneyField(blank=True, null=True)),
                ("steps", models.JSONField(blank=True, default=dict)),
                ("reason_code", models.CharField(blank=True, max_length=40)),
                ("note", models.TextField(blank=True)),
                ("actor", models.CharField(blank=True, max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["loss", "id"],
            },
        ),
        migrations.AddField(
            model_name="loss",
            name="amount_agreed_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="loss",
            name="appraisal_demanded_by",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.AddField(
            model_name="loss",
            name="appraisal_demanded_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="loss",
            name="channel",
            field=models.CharField(
                choices=[("staff", "Staff"), ("customer", "Customer site")],
                default="staff",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="loss",
            name="closed_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="loss",
            name="description",
            field=models.TextField(blank=True, help_text="What happened, in the insured's words."),
        ),
        migrations.AddField(
            model_name="loss",
            name="insured_appraiser",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="loss",
            name="insured_appraiser_named_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="loss",
            name="insurer_appraiser",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="loss",
            name="insurer_appraiser_named_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="loss",
            name="item_grading_report",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="loss",
            name="item_serial",
            field=models.CharField(blank=True, max_length=64, verbose_name="serial number"),
        ),
        migrations.AddField(
            model_name="loss",
            name="jeweler",
            field=models.ForeignKey(
                blank=True,
                help_text="The approved jeweler who repairs or replaces the item.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="insurance_losses",
                to="partners.retailer",
            ),
        ),
        migrations.AddField(
            model_name="loss",
            name="place",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="loss",
            name="plan_claim",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="insurance_losses",
                to="claims.claim",
            ),
        ),
        migrations.AddField(
            model_name="loss",
            name="plan_contract",
            field=models.ForeignKey(
                blank=True,
                help_text="A Gemcare plan that also covers the item: it pays first.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="insurance_losses",
                to="contracts.contract",
            ),
        ),
        migrations.AddField(
            model_name="loss",
            name="police_report",
            field=models.CharField(
                blank=True, help_text="The police report's number, for a theft.", max_length=64
            ),
        ),
        migrations.AddField(
            model_name="loss",
            name="recovered_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="loss",
            name="reported_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="loss",
            name="settled_by",
            field=models.CharField(
                blank=True,
                choices=[
                    ("repair", "Repair"),
                    ("replacement", "Replacement"),
                    ("payment", "Payment"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="loss",
            name="settled_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="loss",
            name="status",
            field=models.CharField(
                choices=[
                    ("reported", "Reported"),
                    ("proof_requested", "Proof of loss requested"),
                    ("appraisal", "In appraisal"),
                    ("agreed", "Amount agreed"),
                    ("settled", "Settled"),
                    ("closed", "Closed"),
                    ("denied", "Denied"),
                ],
                default="reported",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="loss",
            name="umpire",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="loss",
            name="umpire_named_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="loss",
            name="cost",
            field=gemcare.common.fields.MoneyField(
                blank=True,
                help_text="Cost to repair or replace with like kind and quality.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="loss",
            name="covered",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="loss",
            name="payout",
            field=gemcare.common.fields.MoneyField(default=0),
        ),
        migrations.AlterField(
            model_name="loss",
            name="reason_code",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name="loss",
            name="reason_words",
            field=models.TextField(blank=True),
        ),
        migrations.AddIndex(
            model_name="loss",
            index=models.Index(fields=["status", "id"], name="loss_status_id"),
        ),
        migrations.AddField(
            model_name="lossevent",
            name="loss",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="history",
                to="insurance.loss",
            ),
        ),
        migrations.CreateModel(
            name="LossFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("photo", "Photo of the damage"),
                            ("police_report", "Police report"),
                        ],
                        max_length=16,
                    ),
                ),
                ("stored_name", models.CharField(max_length=255, unique=True)),
                ("content_type", models.CharField(max_length=32)),
                ("size", models.PositiveIntegerField()),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                ("uploaded_by", models.CharField(max_length=64)),
                (
                    "loss",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="files",
                        to="insurance.loss",
                    ),
                ),
            ],
            options={"ordering": ["loss", "uploaded_at", "id"]},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(losses_recorded_before, migrations.RunPython.noop),
    ]

"""The policy lifecycle: item details and files, payments, the insurer's cancellation
notices, renewal offers, newly acquired items and the value index.

Payments are a money ledger: like the ledgers of common migration 0003, the table refuses
UPDATE and DELETE in the database itself.
"""

import django.db.models.deletion
from django.db import migrations, models

import gemcare.common.fields

LEDGERS = [("insurance", "PolicyPayment")]
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


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("common", "0003_append_only_ledgers"),
        ("insurance", "0001_initial"),
    ]

    operations = [
        # A policy bound before billing came here had its premium collected elsewhere: it
        # is not billed here (else the first daily run would give it a notice for
        # non-payment). Policies bound from now on are.
        migrations.AddField(
            model_name="policy",
            name="billed_here",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="policy",
            name="billed_here",
            field=models.BooleanField(
                default=True,
                help_text="Its installments are billed and its payments recorded here. A "
                "policy bound elsewhere (the scenario runner) counts its premium as paid until "
                "a payment is recorded, as RULEBOOK 6.2's refund does.",
            ),
        ),
        migrations.AddField(
            model_name="scheduleditem",
            name="appraisal_value",
            field=gemcare.common.fields.MoneyField(
                blank=True, help_text="The appraisal's value.", null=True
            ),
        ),
        migrations.AddField(
            model_name="scheduleditem",
            name="appraised_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="scheduleditem",
            name="grading_report_number",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="scheduleditem",
            name="serial_number",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AlterField(
            model_name="policyevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("bound", "Bound"),
                    ("item_added", "Item added"),
                    ("item_removed", "Item removed"),
                    ("item_renewed", "Item limit and premium renewed"),
                    ("item_changed", "Item changed"),
                    ("cancelled", "Cancelled"),
                    ("renewed", "Renewed"),
                    ("expired", "Expired"),
                ],
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name="ScheduledItemFile",
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
                        choices=[("photo", "Photo"), ("appraisal", "Appraisal document")],
                        max_length=16,
                    ),
                ),
                ("file", models.FileField(max_length=200, upload_to="")),
                ("uploaded_on", models.DateField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="files",
                        to="insurance.scheduleditem",
                    ),
                ),
            ],
            options={
                "ordering": ["item", "id"],
            },
        ),
        migrations.CreateModel(
            name="ValueIndex",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("effective_on", models.DateField(unique=True)),
                ("value", models.DecimalField(decimal_places=4, max_digits=12)),
                ("note", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name_plural": "value indexes",
                "ordering": ["-effective_on"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("value__gt", 0)), name="value_index_positive"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="NewlyAcquiredItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=32)),
                ("description", models.CharField(blank=True, max_length=300)),
                ("acquired_on", models.DateField()),
                ("reported_on", models.DateField()),
                (
                    "cover_ends_on",
                    models.DateField(help_text="The last day of the automatic cover."),
                ),
                ("reminded_on", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "policy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="newly_acquired",
                        to="insurance.policy",
                    ),
                ),
                (
                    "scheduled_item",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="acquired",
                        to="insurance.scheduleditem",
                    ),
                ),
            ],
            options={
                "ordering": ["policy", "acquired_on", "id"],
                "indexes": [
                    models.Index(fields=["cover_ends_on"], name="insurance_n_cover_e_bedd7d_idx")
                ],
            },
        ),
        migrations.CreateModel(
            name="PolicyCancellationNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[("non_payment", "Non-payment of premium")],
                        default="non_payment",
                        max_length=16,
                    ),
                ),
                ("notice_on", models.DateField(help_text="The day the written notice was sent.")),
                ("cancel_on", models.DateField(help_text="The day the cancellation takes effect.")),
                (
                    "amount_due",
                    gemcare.common.fields.MoneyField(
                        help_text="What was overdue when the notice was given."
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("withdrawn", "Withdrawn"),
                            ("carried_out", "Carried out"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                ("closed_on", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "policy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notices",
                        to="insurance.policy",
                    ),
                ),
            ],
            options={
                "ordering": ["policy", "notice_on", "id"],
                "indexes": [
                    models.Index(
                        fields=["status", "cancel_on"], name="insurance_p_status_758dbc_idx"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("cancel_on__gt", models.F("notice_on"))),
                        name="cancellation_notice_ahead",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PolicyPayment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "period_start",
                    models.DateField(help_text="The policy period the money pays for."),
                ),
                ("paid_on", models.DateField()),
                ("amount", gemcare.common.fields.MoneyField()),
                ("reference", models.CharField(blank=True, max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "policy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payments",
                        to="insurance.policy",
                    ),
                ),
            ],
            options={
                "ordering": ["policy", "paid_on", "id"],
                "indexes": [
                    models.Index(
                        fields=["policy", "period_start"], name="insurance_p_policy__2f9d6d_idx"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("amount__gt", 0)), name="policy_payment_positive"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PolicyRenewalOffer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("offered_on", models.DateField()),
                (
                    "period_start",
                    models.DateField(help_text="The period offered: the anniversary."),
                ),
                ("period_end", models.DateField()),
                (
                    "index_now",
                    models.DecimalField(blank=True, decimal_places=4, max_digits=12, null=True),
                ),
                (
                    "terms",
                    models.JSONField(
                        help_text='Per item: {"r1": {"limit": "8200.00", "index": "112.5", "premium": "98.40"}}.'
                    ),
                ),
                ("premium", gemcare.common.fields.MoneyField()),
                ("installment", gemcare.common.fields.MoneyField(blank=True, null=True)),
                (
                    "first_payment",
                    gemcare.common.fields.MoneyField(
                        help_text="What paying accepts the offer with."
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("accepted", "Accepted"),
                            ("renewed", "Renewed"),
                            ("lapsed", "Lapsed"),
                        ],
                        default="open",
                        max_length=16,
                    ),
                ),
                ("accepted_on", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "policy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="renewal_offers",
                        to="insurance.policy",
                    ),
                ),
                (
                    "rating_version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.insuranceratingversion",
                    ),
                ),
            ],
            options={
                "ordering": ["policy", "period_start"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("policy", "period_start"), name="renewal_offer_period"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    """An email for a retailer and for each of its stores: where claim decisions go."""

    dependencies = [
        ("partners", "0002_api_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="retailer",
            name="email",
            field=models.EmailField(
                blank=True,
                db_default="",
                default="",
                help_text="Where claim decisions are sent when the store has no email of its own.",
                max_length=254,
            ),
        ),
        migrations.AddField(
            model_name="store",
            name="email",
            field=models.EmailField(
                blank=True,
                db_default="",
                default="",
                help_text="Where the decisions on this store's claims are sent (else the retailer's).",
                max_length=254,
            ),
        ),
    ]

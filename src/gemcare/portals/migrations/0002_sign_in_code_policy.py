import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portals", "0001_initial"),
        ("insurance", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="signincode",
            name="named_insured",
            field=models.ForeignKey(
                blank=True,
                help_text="The policyholder a policy sign-in request found (then no holder).",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="insurance.namedinsured",
            ),
        ),
    ]

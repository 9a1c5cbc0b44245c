"""Photos on claims, and a person's review of a denial asked for by the holder or jeweler.

The new columns have database defaults too, so rows written in SQL that do not name them
(bulk loads, benchmarks) stay valid.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0005_reimbursement_invoice_number'),
        ('contracts', '0005_pending_pickup_status'),
        ('partners', '0002_api_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ClaimPhoto',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stored_name', models.CharField(max_length=255, unique=True)),
                ('content_type', models.CharField(max_length=32)),
                ('size', models.PositiveIntegerField()),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                ('uploaded_by', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['claim', 'uploaded_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='claim',
            name='review_open',
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name='claim',
            name='review_request_reason',
            field=models.CharField(blank=True, db_default='', default='', max_length=1000),
        ),
        migrations.AddField(
            model_name='claim',
            name='review_requested_by',
            field=models.CharField(blank=True, db_default='', default='', max_length=64),
        ),
        migrations.AddField(
            model_name='claim',
            name='review_requested_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(condition=models.Q(('review_open', True)), fields=['filed_on', 'id'], name='claim_review_requested'),
        ),
        migrations.AddField(
            model_name='claimphoto',
            name='claim',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='photos', to='claims.claim'),
        ),
    ]

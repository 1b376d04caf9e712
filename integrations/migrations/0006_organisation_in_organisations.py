"""The organisation foreign keys point at organisations.Organisation (same table): state only, no SQL."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("integrations", "0005_webhook_secret_overlap_form_nonces"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="apikey",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_keys",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="greenhouseinterview",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="greenhouse_interviews",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="idempotencyrecord",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="idempotency_records",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="webhookendpoint",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="webhook_endpoints",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="webhookevent",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="webhook_events",
                        to="organisations.organisation",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]

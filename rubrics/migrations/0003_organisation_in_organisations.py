"""The organisation foreign keys point at organisations.Organisation (same table): state only, no SQL."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("organisations", "0001_initial"),
        ("rubrics", "0002_api_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="rubric",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rubrics",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="scorecard",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scorecards",
                        to="organisations.organisation",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]

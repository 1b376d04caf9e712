"""Organisation and Membership move here from assessments: Django's bookkeeping only, not the database.

The tables stay ``assessments_organisation`` and ``assessments_membership`` with every row, index
and constraint (``Meta.db_table``); this migration only tells Django's state that the models are
now ``organisations.Organisation`` and ``organisations.Membership``. The foreign keys of the other
apps follow in their own state-only migrations, and ``assessments/0006`` removes the old models from
its state and moves their content types (and with them permissions and admin log entries) here.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("assessments", "0005_invitation_clock_sweep_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Organisation",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("name", models.CharField(max_length=200)),
                        ("slug", models.SlugField(max_length=64, unique=True)),
                    ],
                    options={
                        "db_table": "assessments_organisation",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "role",
                            models.CharField(
                                choices=[("admin", "Admin"), ("hiring_manager", "Hiring manager"), ("interviewer", "Interviewer")],
                                max_length=32,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "assessments_membership",
                        "constraints": [
                            models.UniqueConstraint(fields=("organisation", "user"), name="membership_unique_user_per_org"),
                            models.CheckConstraint(
                                condition=models.Q(("role__in", ["admin", "hiring_manager", "interviewer"])),
                                name="membership_role_valid",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

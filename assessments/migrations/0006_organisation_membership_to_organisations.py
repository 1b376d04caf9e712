"""Organisation and Membership leave assessments for organisations: state only, plus their content types.

The foreign keys of assessments point at ``organisations.Organisation`` (the same table) and the two
models leave this app's state; no SQL runs (``sqlmigrate`` shows none but the Python step). The
content types ``assessments.organisation`` and ``assessments.membership`` are renamed to
``organisations.*`` so that the permissions and admin log entries attached to them keep pointing at
the right model (and back again when unapplied).
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED_MODELS = ("organisation", "membership")


def _move_content_types(apps, schema_editor, old_label, new_label):
    content_types = apps.get_model("contenttypes", "ContentType").objects.db_manager(schema_editor.connection.alias)
    for model in MOVED_MODELS:
        moving = content_types.filter(app_label=old_label, model=model).first()
        if moving is None:  # a new database: post_migrate makes the content types later
            continue
        duplicate = content_types.filter(app_label=new_label, model=model).first()
        if duplicate is not None:
            _fold(apps, schema_editor, duplicate, into=moving)
        moving.app_label = new_label
        moving.save(update_fields=["app_label"])


def _fold(apps, schema_editor, duplicate, *, into):
    """Merge a content type that post_migrate made for the other label (a migrate back and forth) into ``into``.

    The one moving keeps its id, so the admin log entries, permissions and grants made before stay
    as they were; what was attached to the duplicate meanwhile is moved over, then it is deleted.
    """
    db = schema_editor.connection.alias
    permissions = apps.get_model("auth", "Permission").objects.db_manager(db)
    for permission in permissions.filter(content_type=duplicate):
        kept = permissions.filter(content_type=into, codename=permission.codename).first()
        if kept is None:
            permission.content_type = into
            permission.save(update_fields=["content_type"])
            continue
        kept.user_set.add(*permission.user_set.all())
        kept.group_set.add(*permission.group_set.all())
        permission.delete()
    apps.get_model("admin", "LogEntry").objects.db_manager(db).filter(content_type=duplicate).update(content_type=into)
    duplicate.delete()


def content_types_forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "assessments", "organisations")


def content_types_backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "organisations", "assessments")


class Migration(migrations.Migration):

    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("assessments", "0005_invitation_clock_sweep_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("integrations", "0006_organisation_in_organisations"),
        ("organisations", "0001_initial"),
        ("rubrics", "0003_organisation_in_organisations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="attempt",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attempts",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="candidate",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="candidates",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="decision",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decisions",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="invitation",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="loop",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="loops",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="question",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="questionset",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="question_sets",
                        to="organisations.organisation",
                    ),
                ),
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Organisation"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards, elidable=False),
    ]

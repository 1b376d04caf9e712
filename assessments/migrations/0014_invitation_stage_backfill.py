"""Attach every stage-less invitation whose question set one assessment stage uses to that stage.

Invitations made before every entry point named a stage (the invite page, the REST API and Greenhouse
invited to a bare question set) belong to no loop: their report link answered 404. Where exactly one
assessment stage of the organisation's loops uses the invitation's question set, that stage is the
only loop the invitation can have meant, and it is attached. Where none or several do, it stays
stage-less: the candidate's page and the report without a loop (``/manage/candidates/<id>/report/``)
still show its attempt. Reversing leaves the rows as they are (an attached stage is right either way).
"""

from django.db import migrations
from django.db.models import Count, F
from django.db.models.functions import Now


def attach_stageless(apps, schema_editor):
    Invitation = apps.get_model("assessments", "Invitation")
    Stage = apps.get_model("assessments", "Stage")
    assessments = Stage.objects.filter(
        kind="assessment", question_set__isnull=False, loop__organisation_id=F("question_set__organisation_id")
    )
    sole = (
        assessments.order_by()
        .values("question_set_id")
        .annotate(n=Count("pk"))
        .filter(n=1)
        .values_list("question_set_id", flat=True)
    )
    stage_by_set = dict(assessments.filter(question_set_id__in=list(sole)).values_list("question_set_id", "pk"))
    for set_id, stage_id in stage_by_set.items():
        # updated_at moves: the API shows stage_id, and clients sync with updated_since.
        stageless = Invitation.objects.filter(stage__isnull=True, question_set_id=set_id)
        stageless.update(stage_id=stage_id, updated_at=Now())


class Migration(migrations.Migration):
    dependencies = [("assessments", "0013_accommodations")]

    operations = [migrations.RunPython(attach_stageless, migrations.RunPython.noop)]

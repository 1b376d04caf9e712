"""The data migration that attaches stage-less invitations to the one assessment stage their question set has.

The database is migrated back to before it, rows are written as the old entry points wrote them (a
question set, no stage), and it is migrated forward again.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments.models import Invitation, QuestionSet
from tests.factories import CandidateFactory, LoopFactory, assessment_stage

BEFORE = [("assessments", "0013_accommodations")]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _stageless(organisation, question_set, candidate, stage=None) -> Invitation:
    now = timezone.now() - timedelta(days=3)
    return Invitation.objects.create(
        organisation=organisation,
        candidate=candidate,
        question_set=question_set,
        stage=stage,
        opens_at=now,
        expires_at=now + timedelta(days=1),
        duration_minutes=30,
    )


def test_only_invitations_whose_set_one_assessment_stage_uses_are_attached(organisation):
    # Made with today's model before going back: later migrations add candidate columns the old schema lacks.
    candidates = [CandidateFactory(organisation=organisation) for _ in range(4)]
    _migrate(BEFORE)
    try:
        sets = {
            name: QuestionSet.objects.create(organisation=organisation, title=name, slug=name)
            for name in ("sole", "shared", "loose", "attached")
        }
        sole_stage = assessment_stage(sets["sole"])
        assessment_stage(sets["shared"])
        assessment_stage(sets["shared"], loop=LoopFactory(organisation=organisation, is_archived=True))
        chosen = assessment_stage(sets["attached"])
        assessment_stage(sets["attached"])  # a second stage on it later: an attached invitation keeps its own
        rows = {
            name: _stageless(organisation, question_set, candidate)
            for (name, question_set), candidate in zip(sets.items(), candidates, strict=True)
        }
        rows["attached"].stage = chosen
        rows["attached"].save(update_fields=["stage"])
        before = {name: row.updated_at for name, row in rows.items()}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    after = {name: Invitation.objects.get(pk=row.pk) for name, row in rows.items()}
    assert after["sole"].stage == sole_stage and after["sole"].updated_at > before["sole"]  # clients see it
    assert after["shared"].stage is None  # two loops use it: which one is unknown
    assert after["loose"].stage is None  # no loop uses it: the report outside the loops shows it
    assert after["attached"].stage == chosen

"""The pipeline and the report always agree: a candidate's status in a loop is the furthest attempt the loop's
report shows them, for invitations to a stage, invitations made before invitations named a stage, withdrawn
ones and other loops' alike. Before, the pipeline said "Graded" (with a Report link) for a stage-less attempt
on a loop's question set while its report said "No assessment attempt in this loop"."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import AttemptStatus, Invitation, QuestionSet, Section, SectionItem
from assessments.services.answers import attempt_submit
from assessments.services.attempts import attempt_start
from manage.selectors.pipeline import loop_pipeline
from manage.selectors.reports import candidate_report
from organisations.models import Role
from tests.factories import CandidateFactory, MembershipFactory, QuestionFactory, assessment_stage

pytestmark = pytest.mark.django_db

RANK = [AttemptStatus.IN_PROGRESS, AttemptStatus.SUBMITTED, AttemptStatus.GRADED]


def _set(organisation, slug):
    question_set = QuestionSet.objects.create(organisation=organisation, title=slug, slug=slug)
    section = Section.objects.create(question_set=question_set, title="Concepts", position=1)
    SectionItem.objects.create(section=section, question=QuestionFactory(organisation=organisation), position=1)
    return question_set


def _invitation(organisation, name, question_set, stage=None, *, revoked=False):
    now = timezone.now()
    return Invitation.objects.create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation, name=name),
        question_set=question_set,
        stage=stage,
        opens_at=now - timedelta(minutes=1),
        expires_at=now + timedelta(days=1),
        duration_minutes=30,
        revoked_at=now if revoked else None,
    )


def _started(invitation, graded=False):
    attempt = attempt_start(invitation=invitation)
    if graded:
        attempt_submit(attempt=attempt)
    return attempt


@pytest.fixture
def world(organisation):
    backend, data, loose = _set(organisation, "backend"), _set(organisation, "data"), _set(organisation, "loose")
    backend_stage, data_stage = assessment_stage(backend), assessment_stage(data)
    _started(_invitation(organisation, "Ann staged", backend, backend_stage), graded=True)
    _started(_invitation(organisation, "Ben stageless on backend's set", backend))  # in progress
    _started(_invitation(organisation, "Cat stageless on a set in no loop", loose), graded=True)
    _invitation(organisation, "Dan withdrawn unused", backend, backend_stage, revoked=True)
    _invitation(organisation, "Eve invited", data, data_stage)
    _started(_invitation(organisation, "Fay other loop", data, data_stage), graded=True)
    return [backend_stage.loop, data_stage.loop]


def test_each_loop_s_pipeline_status_is_the_furthest_attempt_its_report_shows(organisation, world):
    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER)
    for loop in world:
        pipeline = {entry.candidate.name: entry.status for entry in loop_pipeline(organisation=organisation, loop=loop)}
        for candidate in organisation.candidates.all():
            attempts = candidate_report(membership=manager, candidate=candidate, loop=loop)["attempts"]
            furthest = max((RANK.index(item["attempt"].status) for item in attempts), default=None)
            expected = RANK[furthest] if furthest is not None else ("invited" if candidate.name in pipeline else None)
            assert pipeline.get(candidate.name) == expected, (loop.title, candidate.name)
    backend_names = {entry.candidate.name for entry in loop_pipeline(organisation=organisation, loop=world[0])}
    assert backend_names == {"Ann staged", "Ben stageless on backend's set"}


def test_the_pipeline_s_report_links_open_a_report_that_shows_the_attempt(client, organisation, world):
    """Every "Report" link of every pipeline row with an attempt leads to a report showing an attempt."""
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    for loop in world:
        html = client.get(f"/manage/loops/{loop.pk}/pipeline/").content.decode()
        rows = re.findall(r'data-status="(\w+)">(?:(?!</tr>).)*?href="([^"]+/report/[^"]+)"', html, re.S)
        assert rows
        for status, url in rows:
            report = client.get(url.replace("&amp;", "&")).content.decode()
            assert ('id="attempt-' in report) == (status != "invited"), (loop.title, url)

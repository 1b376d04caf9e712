"""/manage/candidates/: the list (search; filter by loop and status) and a page per candidate with every loop,
invitation, attempt and decision, each status the pipeline's."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Invitation, QuestionSet, Section, SectionItem
from assessments.services.answers import attempt_submit
from assessments.services.attempts import attempt_start
from assessments.services.decisions import decision_record
from assessments.services.invitations import invitation_create
from organisations.models import Role
from tests.factories import CandidateFactory, MembershipFactory, QuestionFactory, StageFactory, assessment_stage

pytestmark = pytest.mark.django_db


def _set(organisation, slug):
    question_set = QuestionSet.objects.create(organisation=organisation, title=slug.title(), slug=slug)
    section = Section.objects.create(question_set=question_set, title="Concepts", position=1)
    SectionItem.objects.create(section=section, question=QuestionFactory(organisation=organisation), position=1)
    return question_set


def _invite(stage, candidate):
    return invitation_create(
        organisation=candidate.organisation,
        candidate=candidate,
        stage=stage,
        expires_at=timezone.now() + timedelta(days=2),
    )


def _graded(invitation):
    attempt = attempt_start(invitation=invitation)
    attempt_submit(attempt=attempt)
    return attempt


@pytest.fixture
def world(organisation):
    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user
    backend = assessment_stage(_set(organisation, "backend"), title="Backend screen")
    StageFactory(loop=backend.loop, position=2, title="Onsite")
    data = assessment_stage(_set(organisation, "data"), title="Data screen")
    ann = CandidateFactory(organisation=organisation, name="Ann Archer", email="ann@example.com", external_id="gh-7")
    bob = CandidateFactory(organisation=organisation, name="Bob Baker", email="bob@example.com")
    cy = CandidateFactory(organisation=organisation, name="Cy Cole", email="cy@example.com")
    dee = CandidateFactory(organisation=organisation, name="Dee Dale", email="dee@example.com")
    attempt = _graded(_invite(backend, ann))
    _invite(data, ann)
    decision_record(
        organisation=organisation,
        candidate=ann,
        loop=backend.loop,
        outcome="advance",
        reason="Strong.",
        decided_by=manager,
    )
    _invite(data, bob)
    now = timezone.now()
    legacy = Invitation.objects.create(  # made before invitations named a stage; its set is in no loop
        organisation=organisation,
        candidate=dee,
        question_set=_set(organisation, "loose"),
        opens_at=now,
        expires_at=now + timedelta(days=1),
        duration_minutes=30,
    )
    legacy_attempt = _graded(legacy)
    return {
        "manager": manager,
        "backend": backend.loop,
        "data": data.loop,
        "people": {"ann": ann, "bob": bob, "cy": cy, "dee": dee},
        "attempt": attempt,
        "legacy_attempt": legacy_attempt,
    }


def _names(client, query: str = "") -> list[str]:
    page = client.get(f"/manage/candidates/{query}")
    assert page.status_code == 200
    return re.findall(r'data-candidate="\d+">\s*<td><a href="[^"]+">([^<]+)</a>', page.content.decode())


def test_the_list_searches_and_filters_by_loop_and_status(client, world):
    client.force_login(world["manager"])
    backend, data = world["backend"].pk, world["data"].pk
    assert _names(client) == ["Ann Archer", "Bob Baker", "Cy Cole", "Dee Dale"]
    assert _names(client, "?q=bak") == ["Bob Baker"]
    assert _names(client, "?q=ANN@example") == ["Ann Archer"]
    assert _names(client, "?q=gh-7") == ["Ann Archer"]  # the ATS's external id
    assert _names(client, f"?loop={backend}") == ["Ann Archer"]
    assert _names(client, f"?loop={data}") == ["Ann Archer", "Bob Baker"]
    assert _names(client, f"?loop={data}&status=invited&q=b") == ["Bob Baker"]
    assert _names(client, "?status=decided") == ["Ann Archer"]
    assert _names(client, f"?loop={data}&status=decided") == []
    assert _names(client, "?status=no_loop") == ["Cy Cole", "Dee Dale"]


def test_each_row_shows_the_pipeline_s_status_in_each_loop(client, world):
    client.force_login(world["manager"])
    html = client.get("/manage/candidates/?q=ann").content.decode()
    assert f'data-loop="{world["backend"].pk}" data-status="decided"' in html and "(Advance)" in html
    assert f'data-loop="{world["data"].pk}" data-status="invited"' in html
    pipeline = client.get(f"/manage/loops/{world['backend'].pk}/pipeline/").content.decode()
    assert f'data-candidate="{world["people"]["ann"].pk}" data-status="decided"' in pipeline


@pytest.mark.parametrize("query", ["?loop=abc", "?loop=999999", "?status=zzz", "?page=999", "?page=x", "?q=%00"])
def test_odd_filters_are_ignored_not_an_error(client, world, query):
    client.force_login(world["manager"])
    assert client.get(f"/manage/candidates/{query}").status_code == 200


def test_the_list_reads_a_fixed_number_of_queries(client, world, organisation, django_assert_max_num_queries):
    stage = world["data"].stages.get()
    for number in range(30):
        _invite(stage, CandidateFactory(organisation=organisation, name=f"Zed {number:02}"))
    client.force_login(world["manager"])
    for query in ("", f"?loop={world['data'].pk}&status=invited"):
        with django_assert_max_num_queries(16):
            assert client.get(f"/manage/candidates/{query}").status_code == 200


def test_a_candidate_s_page_has_every_loop_invitation_attempt_and_decision(client, world):
    client.force_login(world["manager"])
    ann, attempt = world["people"]["ann"], world["attempt"]
    html = client.get(f"/manage/candidates/{ann.pk}/").content.decode()
    assert f'data-loop="{world["backend"].pk}" data-status="decided"' in html
    assert f'data-loop="{world["data"].pk}" data-status="invited"' in html
    assert html.count("data-invitation=") == 2 and "Backend screen" in html and "Data screen" in html
    assert "Strong." in html and "Advance" in html
    assert f"/manage/candidates/{ann.pk}/report/?loop={world['backend'].pk}" in html
    report = client.get(f"/manage/attempts/{attempt.pk}/", follow=True).content.decode()
    assert f'id="attempt-{attempt.pk}"' in report and world["backend"].title in report


def test_a_stageless_attempt_on_the_candidate_s_page_opens_the_report_outside_loops(client, world):
    client.force_login(world["manager"])
    dee, legacy = world["people"]["dee"], world["legacy_attempt"]
    html = client.get(f"/manage/candidates/{dee.pk}/").content.decode()
    assert "In no loop." in html and "No stage" in html
    assert f'href="/manage/attempts/{legacy.pk}/"' in html
    report = client.get(f"/manage/attempts/{legacy.pk}/", follow=True)
    assert report.redirect_chain[-1][0] == f"/manage/candidates/{dee.pk}/report/#attempt-{legacy.pk}"
    assert f'id="attempt-{legacy.pk}"' in report.content.decode()

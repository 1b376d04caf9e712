"""Removing a stage or deleting a loop never loses feedback: 409 with what holds it, foreign keys PROTECT, race-safe.

Scorecards (with their ratings and amendments) point at their stage, decisions at their loop. Before,
both were CASCADE: removing a stage or deleting a loop took the feedback with it.
"""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.utils import timezone

from assessments.models import Decision, Invitation, Loop, QuestionSet, Stage, StageKind
from assessments.services import loops
from common.exceptions import ApplicationError, ConflictError, NotFoundError
from organisations.models import Role
from rubrics.models import Scorecard, ScorecardAmendment
from rubrics.services.scorecards import scorecard_start
from tests.factories import CandidateFactory, MembershipFactory, ScorecardFactory, StageFactory, StageInterviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loop(organisation):
    return loops.loop_create(organisation=organisation, title="Backend", role="Backend engineer")


@pytest.fixture
def stage(organisation, loop):
    return loops.loop_stage_add(organisation=organisation, loop=loop, kind=StageKind.INTERVIEW, title="Onsite")


def _scorecard(organisation, stage) -> Scorecard:
    scorecard = ScorecardFactory(stage=stage, candidate=CandidateFactory(organisation=organisation))
    ScorecardAmendment.objects.create(scorecard=scorecard, author=scorecard.interviewer, reason="r", previous={})
    return scorecard


def _invitation(organisation, stage) -> Invitation:
    question_set = QuestionSet.objects.create(organisation=organisation, title="Screen", slug=f"s{stage.pk}")
    now = timezone.now()
    return Invitation.objects.create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        question_set=question_set,
        stage=stage,
        opens_at=now,
        expires_at=now + timedelta(days=1),
        duration_minutes=60,
    )


def _feedback() -> tuple[int, int]:
    return Scorecard.objects.count(), ScorecardAmendment.objects.count()


def test_a_stage_with_scorecards_is_a_409_saying_what_holds_it(organisation, stage):
    _scorecard(organisation, stage)
    _scorecard(organisation, stage)
    _invitation(organisation, stage)
    with pytest.raises(ConflictError) as refused:
        loops.loop_stage_remove(organisation=organisation, stage=stage)
    error = refused.value
    assert (error.status_code, error.code) == (409, "stage_in_use")
    assert error.details == {"scorecard": 2, "invitation": 1}
    assert error.message.startswith("This stage has 2 scorecards and 1 invitation: interview feedback is never deleted")
    assert "archive this loop" in error.message
    assert Stage.objects.filter(pk=stage.pk).exists() and _feedback() == (2, 2)


def test_a_stage_with_only_an_invitation_is_kept_too(organisation, stage):
    _invitation(organisation, stage)
    with pytest.raises(ConflictError, match="This stage has 1 invitation:"):
        loops.loop_stage_remove(organisation=organisation, stage=stage)
    assert Invitation.objects.get().stage == stage


def test_an_unused_stage_is_removed(organisation, loop, stage):
    loops.loop_stage_remove(organisation=organisation, stage=stage)
    assert not Stage.objects.filter(loop=loop).exists()


def test_the_foreign_keys_protect_feedback_whatever_deletes_the_stage_or_loop(organisation, loop, stage):
    """A shell, the admin, an organisation's clean-up: no path deletes a stage or loop with feedback."""
    _scorecard(organisation, stage)
    with pytest.raises(ProtectedError):
        stage.delete()
    with pytest.raises(ProtectedError):
        loop.delete()
    other = loops.loop_create(organisation=organisation, title="Data", role="Data engineer")
    candidate = CandidateFactory(organisation=organisation)
    Decision.objects.create(organisation=organisation, candidate=candidate, loop=other, outcome="hold", reason="r")
    with pytest.raises(ProtectedError):
        other.delete()
    assert _feedback() == (1, 1) and Decision.objects.count() == 1


def test_a_scorecard_the_count_did_not_see_still_stops_the_delete_with_the_same_409(organisation, stage, monkeypatch):
    """The foreign key is the backstop: whatever the count saw, the delete cannot take a scorecard with it."""
    real, calls = loops._stage_uses, []

    def count_misses_the_first_time(counted):
        calls.append(counted)
        return {} if len(calls) == 1 else real(counted)

    _scorecard(organisation, stage)
    monkeypatch.setattr(loops, "_stage_uses", count_misses_the_first_time)
    with pytest.raises(ConflictError) as refused:
        loops.loop_stage_remove(organisation=organisation, stage=stage)
    assert refused.value.code == "stage_in_use" and refused.value.details == {"scorecard": 1}
    assert Stage.objects.filter(pk=stage.pk).exists() and _feedback() == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_a_scorecard_started_while_the_stage_is_removed_never_outlives_it(organisation, stage, monkeypatch):
    """From its count to its commit the removal holds the stage row: a scorecard cannot commit in between.

    An interviewer's scorecard committing in that window waits, and once the stage is gone its foreign
    key fails: nothing committed is ever deleted, and no scorecard points at a removed stage.
    """

    def interviewer():
        with transaction.atomic():
            _scorecard(organisation, stage)

    outcomes = _during_removal(organisation, stage, monkeypatch, interviewer)
    assert outcomes["remove"] is None and isinstance(outcomes["other"], IntegrityError), outcomes
    assert not Stage.objects.filter(pk=stage.pk).exists() and _feedback() == (0, 0)


@pytest.fixture
def manager(client, organisation) -> Client:
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    return client


def test_the_loop_builder_page_shows_the_409_and_keeps_the_stage(organisation, loop, stage, manager):
    _scorecard(organisation, stage)
    response = manager.post(f"/manage/loops/{loop.pk}/stages/{stage.pk}/remove/", follow=True)
    html = response.content.decode()
    assert "This stage has 1 scorecard: interview feedback is never deleted" in html
    assert Stage.objects.filter(pk=stage.pk).exists() and _feedback() == (1, 1)


def test_archiving_a_loop_keeps_everything_and_takes_it_off_the_queues(organisation, loop, stage, manager):
    _scorecard(organisation, stage)
    edit = manager.get(f"/manage/loops/{loop.pk}/edit/").content.decode()
    assert f'action="/manage/loops/{loop.pk}/archive/"' in edit
    manager.post(f"/manage/loops/{loop.pk}/archive/", {"archived": "1"})
    assert Loop.objects.get(pk=loop.pk).is_archived and _feedback() == (1, 1)
    assert "Restore loop" in manager.get(f"/manage/loops/{loop.pk}/edit/").content.decode()
    manager.post(f"/manage/loops/{loop.pk}/archive/", {"archived": "0"})
    assert not Loop.objects.get(pk=loop.pk).is_archived


def test_only_the_organisations_managers_archive(client, organisation, other_organisation, loop):
    client.force_login(MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user)
    assert client.post(f"/manage/loops/{loop.pk}/archive/").status_code == 403
    client.force_login(MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user)
    assert client.post(f"/manage/loops/{loop.pk}/archive/").status_code == 404
    with pytest.raises(ApplicationError):
        loops.loop_archive(organisation=other_organisation, loop=loop)
    assert not Loop.objects.get(pk=loop.pk).is_archived


@pytest.fixture
def operator(client) -> Client:
    client.force_login(User.objects.create_superuser("operator", "op@example.test", "x"))
    return client


def test_the_django_admin_refuses_to_delete_a_loop_or_stage_with_feedback(organisation, loop, stage, operator):
    _scorecard(organisation, stage)
    for model, obj in (("loop", loop), ("stage", stage)):
        url = f"/admin/assessments/{model}/{obj.pk}/delete/"
        for response in (operator.get(url), operator.post(url, {"post": "yes"})):  # the page, then "Yes, I'm sure"
            assert response.status_code == 200  # the refusal, not the redirect after a delete
            assert "would require deleting the following protected related objects" in response.content.decode()
    assert Loop.objects.filter(pk=loop.pk).exists() and Stage.objects.filter(pk=stage.pk).exists()
    assert _feedback() == (1, 1)


def test_the_django_admin_loop_form_cannot_delete_a_stage_with_feedback(organisation, loop, stage, operator):
    _scorecard(organisation, stage)
    form = {
        "title": loop.title, "role": loop.role, "description": "", "organisation": organisation.pk,
        "stages-TOTAL_FORMS": "1", "stages-INITIAL_FORMS": "1", "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000", "stages-0-id": stage.pk, "stages-0-loop": loop.pk,
        "stages-0-position": stage.position, "stages-0-kind": stage.kind, "stages-0-title": stage.title,
        "stages-0-weight": stage.weight, "stages-0-DELETE": "on",
    }  # fmt: skip
    response = operator.post(f"/admin/assessments/loop/{loop.pk}/change/", form)
    assert response.status_code == 200  # the form again, with the error
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Stage.objects.filter(pk=stage.pk).exists() and _feedback() == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_a_scorecard_started_during_the_removal_is_a_404_not_a_500(organisation, loop, stage, monkeypatch):
    """scorecard_start holds the stage too: it waits for the removal, then finds the stage gone (a 404).

    Before, it went ahead and its commit failed on the foreign key: an IntegrityError, a 500 on the page.
    """
    question_set = QuestionSet.objects.create(organisation=organisation, title="Screen", slug="screen")
    StageFactory(loop=loop, position=9, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=30)
    now = timezone.now()
    candidate = CandidateFactory(organisation=organisation)  # in the loop through its set, not through the stage
    Invitation.objects.create(
        organisation=organisation,
        candidate=candidate,
        question_set=question_set,
        opens_at=now,
        expires_at=now + timedelta(days=1),
        duration_minutes=30,
    )
    interviewer = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    StageInterviewerFactory(stage=stage, user=interviewer)
    start = lambda: scorecard_start(interviewer=interviewer, candidate=candidate, stage=stage)  # noqa: E731
    outcomes = _during_removal(organisation, stage, monkeypatch, start)
    assert outcomes["remove"] is None and isinstance(outcomes["other"], NotFoundError), outcomes
    assert not Stage.objects.filter(pk=stage.pk).exists() and Scorecard.objects.count() == 0


def _during_removal(organisation, stage, monkeypatch, action) -> dict[str, BaseException | None]:
    """Run ``action`` in a thread while the stage's removal is paused between its count and its delete.

    The action must wait for the removal (it cannot slip in after the count); what each one raised.
    """
    counted, go = threading.Event(), threading.Event()
    real = loops._stage_uses

    def count_then_pause(counted_stage):
        uses = real(counted_stage)
        counted.set()
        assert go.wait(timeout=30)
        return uses

    monkeypatch.setattr(loops, "_stage_uses", count_then_pause)
    outcomes: dict[str, BaseException | None] = {}

    def run(name, work):
        try:
            work()
            outcomes[name] = None
        except BaseException as exc:
            outcomes[name] = exc
        finally:
            connection.close()

    remover = threading.Thread(
        target=run, args=("remove", lambda: loops.loop_stage_remove(organisation=organisation, stage=stage))
    )
    remover.start()
    assert counted.wait(timeout=30)
    other = threading.Thread(target=run, args=("other", action))
    other.start()
    other.join(timeout=1)
    assert other.is_alive()  # it waits for the removal
    go.set()
    remover.join(timeout=30)
    other.join(timeout=30)
    return outcomes

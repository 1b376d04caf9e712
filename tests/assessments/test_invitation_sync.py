"""An ATS syncing /api/v1/invitations/?updated_since= sees every change of what an invitation shows."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Attempt, CodeSubmission, Invitation, SubmissionStatus
from assessments.services.answers import attempt_submit
from assessments.services.attempts import attempt_mark_graded, attempt_start
from assessments.services.invitations import invitations_touch_clock_changes
from assessments.tasks import finalise_expired_attempts
from common.exceptions import ConflictError
from tests.assessments import test_attempts
from tests.assessments.test_attempts import api, started

# The timed-attempt tests' fixtures: a published coding question set, an open invitation, no grading queue.
question_set = test_attempts.question_set
invitation = test_attempts.invitation
no_enqueue = test_attempts.no_enqueue

pytestmark = pytest.mark.django_db


def listed(manager_client, since: datetime) -> dict[int, dict]:
    response = manager_client.get("/api/v1/invitations/", {"updated_since": since.isoformat(), "limit": 200})
    assert response.status_code == 200, response.json()
    return {row["id"]: row for row in response.json()["results"]}


def appears_after(manager_client, invitation: Invitation, change: Callable[[], object]) -> dict:
    """Run ``change``; the invitation must be absent from a sync since just before it, and present after."""
    before = timezone.now()
    assert invitation.pk not in listed(manager_client, before)
    change()
    rows = listed(manager_client, before)
    assert invitation.pk in rows, "the change did not move the invitation's updated_at"
    return rows[invitation.pk]


def clock_moved(row: Invitation, **window: datetime) -> None:
    """As if the invitation had been written two hours ago with this window (``update`` skips auto_now)."""
    Invitation.objects.filter(pk=row.pk).update(updated_at=timezone.now() - timedelta(hours=2), **window)


def updated_at(row: Invitation) -> datetime:
    return Invitation.objects.values_list("updated_at", flat=True).get(pk=row.pk)


def submitted(client, invitation: Invitation) -> None:
    assert api(client, invitation, "submit/", "post").status_code == 200


def test_candidate_starting_moves_the_invitation(manager_client, client, invitation):
    row = appears_after(manager_client, invitation, lambda: started(client, invitation))
    assert row["state"] == "started" and row["attempt"]["status"] == "in_progress"


def test_candidate_submitting_moves_the_invitation(manager_client, client, invitation, no_enqueue):
    started(client, invitation)
    row = appears_after(manager_client, invitation, lambda: submitted(client, invitation))
    assert row["state"] == "started" and row["attempt"]["status"] == "submitted" and row["attempt"]["submitted_at"]


def test_a_refused_second_submit_does_not_move_the_invitation(invitation, no_enqueue):
    attempt = attempt_start(invitation=invitation)
    attempt_submit(attempt=attempt)
    touched = updated_at(invitation)
    with pytest.raises(ConflictError):
        attempt_submit(attempt=attempt)
    assert updated_at(invitation) == touched


def test_server_finalising_at_the_deadline_moves_the_invitation(manager_client, invitation, no_enqueue):
    past = timezone.now() - timedelta(hours=3)
    Invitation.objects.filter(pk=invitation.pk).update(opens_at=past - timedelta(minutes=1))
    attempt_start(invitation=Invitation.objects.get(pk=invitation.pk), now=past)  # its deadline passed 2 hours ago
    row = appears_after(manager_client, invitation, finalise_expired_attempts)
    assert row["state"] == "started" and row["attempt"]["status"] == "submitted"
    assert Attempt.objects.get(invitation=invitation).finalised_by_deadline


def test_grading_the_attempt_moves_the_invitation(manager_client, invitation, no_enqueue):
    attempt = attempt_start(invitation=invitation)
    assert attempt_submit(attempt=attempt).submissions  # a coding answer waits for the grader

    def graded() -> None:
        CodeSubmission.objects.filter(attempt_question__attempt=attempt).update(status=SubmissionStatus.GRADED)
        assert attempt_mark_graded(attempt_id=attempt.pk)

    row = appears_after(manager_client, invitation, graded)
    assert row["state"] == "started" and row["attempt"]["status"] == "graded"


def test_revoking_and_extending_move_the_invitation(manager_client, invitation):
    clock_moved(invitation, opens_at=timezone.now() - timedelta(days=3), expires_at=timezone.now() - timedelta(days=2))
    later = (timezone.now() + timedelta(days=1)).isoformat()
    extend = f"/api/v1/invitations/{invitation.pk}/extend/"
    row = appears_after(
        manager_client, invitation, lambda: manager_client.post(extend, {"expires_at": later}, format="json")
    )
    assert row["state"] == "open"
    clock_moved(invitation)
    revoke = f"/api/v1/invitations/{invitation.pk}/revoke/"
    assert appears_after(manager_client, invitation, lambda: manager_client.post(revoke))["state"] == "revoked"


def test_a_window_expiring_unused_moves_the_invitation_once(manager_client, invitation):
    now = timezone.now()
    clock_moved(invitation, opens_at=now - timedelta(hours=3), expires_at=now - timedelta(minutes=1))
    assert appears_after(manager_client, invitation, finalise_expired_attempts)["state"] == "expired"
    touched = updated_at(invitation)
    assert invitations_touch_clock_changes() == 0 and updated_at(invitation) == touched


def test_a_window_opening_moves_the_invitation_once(manager_client, invitation):
    now = timezone.now()
    clock_moved(invitation, opens_at=now - timedelta(minutes=1), expires_at=now + timedelta(days=1))
    assert appears_after(manager_client, invitation, finalise_expired_attempts)["state"] == "open"
    assert invitations_touch_clock_changes() == 0


def test_the_sweep_touches_each_changed_link_once_and_nothing_else(invitation, organisation):
    now = timezone.now()
    window = {"opens_at": now - timedelta(hours=3), "expires_at": now - timedelta(minutes=1)}
    expired = [_copy(invitation) for _ in range(3)]
    started_one, revoked, still_open = _copy(invitation), _copy(invitation), _copy(invitation)
    for row in [*expired, started_one, revoked]:
        clock_moved(row, **window)
    Invitation.objects.filter(pk=revoked.pk).update(revoked_at=now - timedelta(hours=1))
    Attempt.objects.create(
        organisation=organisation, invitation=started_one, started_at=now - timedelta(hours=2), deadline=now
    )
    others = (started_one, revoked, still_open)
    untouched = [updated_at(row) for row in others]
    assert invitations_touch_clock_changes() == len(expired)
    assert all(updated_at(row) >= window["expires_at"] for row in expired)
    assert [updated_at(row) for row in others] == untouched
    assert invitations_touch_clock_changes() == 0


def test_the_sweep_is_one_query_whatever_the_number_of_invitations(invitation):
    def queries(expired: int) -> int:
        now = timezone.now()
        for _ in range(expired):
            clock_moved(_copy(invitation), opens_at=now - timedelta(hours=3), expires_at=now - timedelta(minutes=1))
        with CaptureQueriesContext(connection) as captured:
            assert invitations_touch_clock_changes() == expired
        return len(captured)

    assert queries(1) == queries(12) == 1


def _copy(invitation: Invitation) -> Invitation:
    return Invitation.objects.create(
        organisation_id=invitation.organisation_id,
        candidate_id=invitation.candidate_id,
        question_set_id=invitation.question_set_id,
        opens_at=invitation.opens_at,
        expires_at=invitation.expires_at,
        duration_minutes=invitation.duration_minutes,
    )

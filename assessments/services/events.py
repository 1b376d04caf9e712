"""The events about invitations and attempts (grading records attempt.updated here too), through the one writer.

The payloads are sent to receivers as they are (docs/webhooks.md): ids, times, API URLs and the staff
page about an attempt (for people, signed in), never the candidate link (a credential), answers, code,
tests or scores.
"""

from enum import StrEnum
from typing import Any

from assessments.models import Attempt, Invitation
from common.events import event_record, iso
from common.links import attempt_page_url, site_url


def invitation_event_record(*, invitation: Invitation, type: str) -> None:
    event_record(organisation_id=invitation.organisation_id, type=type, payload=invitation_data(invitation))


class AttemptChange(StrEnum):
    """What changed, in ``attempt.updated``'s ``change``: the attempt's time, or its result."""

    DEADLINE_EXTENDED = "deadline_extended"
    SCORE_OVERRIDDEN = "score_overridden"
    REGRADED = "regraded"


def attempt_event_record(*, attempt_id: int, type: str, change: AttemptChange | None = None) -> None:
    """Read the attempt afresh, so the payload carries the status the caller has just written.

    ``attempt.updated`` says what ``change``d; its other fields are every attempt event's.
    """
    attempt = Attempt.objects.select_related("invitation__candidate", "organisation").get(pk=attempt_id)
    payload = attempt_data(attempt) | ({"change": str(change)} if change else {})
    event_record(organisation_id=attempt.organisation_id, type=type, payload=payload)


def invitation_data(invitation: Invitation) -> dict[str, Any]:
    """Ids, times and the API URL. Not the candidate link: it is a credential; the API returns it."""
    return {
        "invitation_id": invitation.pk,
        "candidate_id": invitation.candidate_id,
        "candidate_external_id": invitation.candidate.external_id,
        "question_set_id": invitation.question_set_id,
        "stage_id": invitation.stage_id,
        "opens_at": iso(invitation.opens_at),
        "expires_at": iso(invitation.expires_at),
        "duration_minutes": invitation.duration_minutes,
        "invitation_url": site_url("invitation-detail", invitation.pk),
    }


def attempt_data(attempt: Attempt) -> dict[str, Any]:
    """Status and times of the attempt. Never answers, code, tests or scores."""
    invitation = attempt.invitation
    return {
        "attempt_id": attempt.pk,
        "status": attempt.status,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline),
        "submitted_at": iso(attempt.submitted_at),
        "finalised_by_deadline": attempt.finalised_by_deadline,
        "invitation_id": invitation.pk,
        "candidate_id": invitation.candidate_id,
        "candidate_external_id": invitation.candidate.external_id,
        "question_set_id": invitation.question_set_id,
        "stage_id": invitation.stage_id,
        "invitation_url": site_url("invitation-detail", invitation.pk),
        "attempt_url": site_url("attempt-detail", attempt.pk),
        "result_url": site_url("attempt-result", attempt.pk),
        "report_url": attempt_page_url(attempt_id=attempt.pk, organisation_slug=attempt.organisation.slug),
    }

"""The subscriber to the domain's events (``common.events``): each becomes the e-mails it calls for.

Runs in the causing transaction, like the webhook fan-out: a rolled-back change leaves no e-mail, and a
committed one always has its e-mail recorded. Events it has no e-mail for are ignored.
"""

from collections.abc import Callable

from assessments.models import Invitation, StageInterviewer
from common.events import Event
from notifications.models import EmailKind
from notifications.services.outbox import email_record


def _invitation(invitation_id: int) -> Invitation:
    return Invitation.objects.select_related("candidate", "created_by").get(pk=invitation_id)


def _to_candidate(kind: str, invitation: Invitation, key: str) -> None:
    candidate = invitation.candidate
    email_record(
        kind=kind,
        key=key,
        to_email=candidate.email,
        to_name=candidate.name,
        organisation_id=invitation.organisation_id,
        invitation=invitation,
    )


def invitation_created(event: Event) -> None:
    """The candidate's invitation with their link: one per invitation (page, API, bulk, Greenhouse)."""
    invitation = _invitation(event.payload["invitation_id"])
    _to_candidate(EmailKind.INVITATION, invitation, f"invitation:{invitation.pk}")


def attempt_submitted(event: Event) -> None:
    """A receipt to the candidate, by their own submit or the deadline's."""
    invitation = _invitation(event.payload["invitation_id"])
    _to_candidate(EmailKind.RECEIPT, invitation, f"receipt:{invitation.pk}")


def attempt_updated(event: Event) -> None:
    """More time for an attempt under way: the candidate hears of their new deadline, once per new deadline."""
    if event.payload.get("change") != "deadline_extended":
        return  # a re-grade or an override is the hiring team's business, not the candidate's
    invitation = _invitation(event.payload["invitation_id"])
    key = f"time_extended:{event.payload['attempt_id']}:{event.payload['deadline']}"
    _to_candidate(EmailKind.TIME_EXTENDED, invitation, key)


def _to_creator(kind: str, invitation: Invitation, key: str) -> None:
    """To the person who made the invitation; an invitation made by an API key or Greenhouse has none."""
    creator = invitation.created_by
    if creator is None or not creator.is_active or not creator.email:
        return
    email_record(
        kind=kind,
        key=key,
        to_email=creator.email,
        to_name=creator.get_full_name(),
        organisation_id=invitation.organisation_id,
        invitation=invitation,
        user_id=creator.pk,
    )


def attempt_graded(event: Event) -> None:
    invitation = _invitation(event.payload["invitation_id"])
    _to_creator(EmailKind.ATTEMPT_GRADED, invitation, f"graded:{event.payload['attempt_id']}")


def grading_failed(event: Event) -> None:
    """Once per attempt, however many of its submissions fail."""
    invitation = _invitation(event.payload["invitation_id"])
    _to_creator(EmailKind.GRADING_FAILED, invitation, f"grading_failed:{event.payload['attempt_id']}")


def interviewer_assigned(event: Event) -> None:
    assignment = StageInterviewer.objects.select_related("user", "stage__loop").get(pk=event.payload["assignment_id"])
    user = assignment.user
    if not user.is_active or not user.email:
        return
    email_record(
        kind=EmailKind.INTERVIEWER_ASSIGNED,
        key=f"assigned:{assignment.stage_id}:{user.pk}:{assignment.pk}",
        to_email=user.email,
        to_name=user.get_full_name(),
        organisation_id=event.organisation_id,
        user_id=user.pk,
        data={"stage_id": assignment.stage_id},
    )


HANDLERS: dict[str, Callable[[Event], None]] = {
    "invitation.created": invitation_created,
    "attempt.submitted": attempt_submitted,
    "attempt.updated": attempt_updated,
    "attempt.graded": attempt_graded,
    "attempt.grading_failed": grading_failed,
    "stage.interviewer_assigned": interviewer_assigned,
}


def email_events_record(event: Event) -> None:
    handler = HANDLERS.get(event.type)
    if handler is not None:
        handler(event)

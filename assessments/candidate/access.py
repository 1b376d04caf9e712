"""The invitation token is the candidate's only credential; everything is reached through it."""

from django.db.models import QuerySet

from assessments.models import Attempt, CodeSubmission, Invitation
from common.exceptions import NotFoundError


def invitation_get_by_token(*, token: str) -> Invitation | None:
    if not token or len(token) > 64:
        return None
    return (
        Invitation.objects.select_related("candidate", "question_set", "stage__loop", "organisation")
        .filter(token=token)
        .first()
    )


def attempt_get_by_token(*, token: str) -> Attempt:
    attempt = Attempt.objects.select_related("invitation").filter(invitation__token=token).first() if token else None
    if attempt is None:
        raise NotFoundError("No started assessment for this link.")
    return attempt


def submissions_of(attempt: Attempt) -> QuerySet[CodeSubmission]:
    return CodeSubmission.objects.filter(attempt_question__attempt=attempt)

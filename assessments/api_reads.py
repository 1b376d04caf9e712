"""The reads an ATS polls most, as prepared reads (``common.prepared``): an attempt's status, an
invitation, a candidate by the ATS's id.

Each answers exactly what its view's output serializer would (the serializers stay the schema's
source; tests compare the two on every state) at a fraction of the ORM's cost. Another
organisation's row and a missing one are the same 404.
"""

from typing import Any

from django.db.models import F

from assessments.models import Attempt, Candidate, Invitation
from assessments.services.attempts import link_state
from common.exceptions import NotFoundError
from common.prepared import PreparedRead

ATTEMPT = PreparedRead(
    lambda organisation_id, pk: (
        Attempt.objects.filter(organisation_id=organisation_id, pk=pk)
        .order_by()
        .values(
            "id",
            "invitation_id",
            "status",
            "started_at",
            "deadline",
            "submitted_at",
            "finalised_by_deadline",
            "updated_at",
            candidate_id=F("invitation__candidate_id"),
            question_set_id=F("invitation__question_set_id"),
            stage_id=F("invitation__stage_id"),
        )
    ),
    organisation_id=int,
    pk=int,
)
ATTEMPT_FIELDS = (
    "id",
    "invitation_id",
    "candidate_id",
    "question_set_id",
    "stage_id",
    "status",
    "started_at",
    "deadline",
    "submitted_at",
    "finalised_by_deadline",
    "updated_at",
)

INVITATION = PreparedRead(
    lambda organisation_id, pk: (
        Invitation.objects.filter(organisation_id=organisation_id, pk=pk)
        .order_by()
        .values(
            "id",
            "candidate_id",
            "question_set_id",
            "stage_id",
            "opens_at",
            "expires_at",
            "duration_minutes",
            "updated_at",
            "token",
            "revoked_at",
            attempt_status=F("attempt__status"),
            attempt_started_at=F("attempt__started_at"),
            attempt_deadline=F("attempt__deadline"),
            attempt_submitted_at=F("attempt__submitted_at"),
        )
    ),
    organisation_id=int,
    pk=int,
)

INVITATION_FIELDS = (
    "id",
    "candidate_id",
    "question_set_id",
    "stage_id",
    "opens_at",
    "expires_at",
    "duration_minutes",
    "updated_at",
)

CANDIDATE_BY_EXTERNAL_ID = PreparedRead(
    lambda organisation_id, external_id: (
        Candidate.objects.filter(organisation_id=organisation_id, external_id=external_id)
        .order_by()
        .values("id", "name", "email", "external_id", "created_at", "updated_at")
    ),
    organisation_id=int,
    external_id=str,
)


def attempt_status(*, organisation_id: int, pk: int) -> dict[str, Any]:
    row = ATTEMPT.first(organisation_id=organisation_id, pk=pk)
    if row is None:
        raise NotFoundError(f"No attempt with id {pk}.")
    return {name: row[name] for name in ATTEMPT_FIELDS}


def invitation(*, organisation_id: int, pk: int, candidate_url: Any) -> dict[str, Any]:
    """``candidate_url(token)`` makes the candidate's link."""
    row = INVITATION.first(organisation_id=organisation_id, pk=pk)
    if row is None:
        raise NotFoundError(f"No invitation with id {pk}.")
    started = row["attempt_status"] is not None
    attempt = {
        "status": row["attempt_status"],
        "started_at": row["attempt_started_at"],
        "deadline": row["attempt_deadline"],
        "submitted_at": row["attempt_submitted_at"],
    }
    return {
        **{name: row[name] for name in INVITATION_FIELDS},
        "state": link_state(
            revoked=row["revoked_at"] is not None,
            started=started,
            opens_at=row["opens_at"],
            expires_at=row["expires_at"],
        ),
        "url": candidate_url(row["token"]),
        "attempt": attempt if started else None,
    }


def candidate_by_external_id(*, organisation_id: int, external_id: str) -> list[dict[str, Any]]:
    """At most one: external ids are unique within an organisation (``candidate_unique_external_id_per_org``)."""
    return CANDIDATE_BY_EXTERNAL_ID.rows(organisation_id=organisation_id, external_id=external_id)

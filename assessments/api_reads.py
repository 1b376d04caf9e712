"""The reads an ATS polls most, as prepared reads (``common.prepared``): an attempt's status, an
invitation, a candidate by the ATS's id.

Each answers exactly what its view's output serializer would (the serializers stay the schema's
source; tests compare the two on every state) at a fraction of the ORM's cost. Another
organisation's row and a missing one are the same 404.
"""

from typing import Any

from django.db.models import F, Model, QuerySet

from assessments.models import Attempt, Candidate, Invitation
from assessments.services.attempts import link_state
from common.exceptions import NotFoundError
from common.links import site_url
from common.prepared import PreparedRead

# Output name -> the model path it is read from, in the serializer's field order.
ATTEMPT_COLUMNS = {
    "id": "id",
    "invitation_id": "invitation_id",
    "candidate_id": "invitation__candidate_id",
    "question_set_id": "invitation__question_set_id",
    "stage_id": "invitation__stage_id",
    "status": "status",
    "started_at": "started_at",
    "deadline": "deadline",
    "submitted_at": "submitted_at",
    "finalised_by_deadline": "finalised_by_deadline",
    "updated_at": "updated_at",
}
INVITATION_COLUMNS = {
    name: name
    for name in (
        "id",
        "candidate_id",
        "question_set_id",
        "stage_id",
        "opens_at",
        "expires_at",
        "duration_minutes",
        "updated_at",
    )
}
INVITATION_ATTEMPT_COLUMNS = {
    f"attempt_{name}": f"attempt__{name}" for name in ("status", "started_at", "deadline", "submitted_at")
}
CANDIDATE_COLUMNS = {name: name for name in ("id", "name", "email", "external_id", "created_at", "updated_at")}


def _values(queryset: QuerySet, columns: dict[str, str]) -> QuerySet:
    """``values()`` under the output names (a field read under its own name cannot be an ``F`` alias)."""
    plain = [name for name, path in columns.items() if name == path]
    renamed = {name: F(path) for name, path in columns.items() if name != path}
    return queryset.order_by().values(*plain, **renamed)


def _by_organisation(model: type[Model], columns: dict[str, str], **param_types: type) -> PreparedRead:
    def build(organisation_id: int, **lookups: Any) -> QuerySet:
        return _values(model._default_manager.filter(organisation_id=organisation_id, **lookups), columns)

    return PreparedRead(build, organisation_id=int, **param_types)


ATTEMPT = _by_organisation(Attempt, ATTEMPT_COLUMNS, pk=int)
INVITATION = _by_organisation(
    Invitation,
    {**INVITATION_COLUMNS, "token": "token", "revoked_at": "revoked_at", **INVITATION_ATTEMPT_COLUMNS},
    pk=int,
)
CANDIDATE_BY_EXTERNAL_ID = _by_organisation(Candidate, CANDIDATE_COLUMNS, external_id=str)


def attempt_status(*, organisation_id: int, pk: int) -> dict[str, Any]:
    row = ATTEMPT.first(organisation_id=organisation_id, pk=pk)
    if row is None:
        raise NotFoundError(f"No attempt with id {pk}.")
    return {name: row[name] for name in ATTEMPT_COLUMNS}


def invitation(*, organisation_id: int, pk: int) -> dict[str, Any]:
    row = INVITATION.first(organisation_id=organisation_id, pk=pk)
    if row is None:
        raise NotFoundError(f"No invitation with id {pk}.")
    started = row["attempt_status"] is not None
    state = link_state(
        revoked=row["revoked_at"] is not None, started=started, opens_at=row["opens_at"], expires_at=row["expires_at"]
    )
    attempt = {name.removeprefix("attempt_"): row[name] for name in INVITATION_ATTEMPT_COLUMNS}
    return {
        **{name: row[name] for name in INVITATION_COLUMNS},
        "state": state,
        "url": site_url("candidate-landing", row["token"]),
        "attempt": attempt if started else None,
    }


def candidate_by_external_id(*, organisation_id: int, external_id: str) -> list[dict[str, Any]]:
    """At most one: external ids are unique within an organisation (``candidate_unique_external_id_per_org``)."""
    return CANDIDATE_BY_EXTERNAL_ID.rows(organisation_id=organisation_id, external_id=external_id)

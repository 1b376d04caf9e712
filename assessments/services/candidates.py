from typing import Any

from django.db import IntegrityError, transaction

from assessments.models import Candidate
from common.exceptions import ConflictError
from organisations.models import Organisation

EDITABLE = ("name", "email", "external_id")


def _save(candidate: Candidate, update_fields: list[str] | None = None) -> Candidate:
    candidate.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            candidate.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise ConflictError(
            f"A candidate with external id {candidate.external_id!r} already exists.", code="duplicate_external_id"
        ) from exc
    return candidate


def candidate_create(*, organisation: Organisation, name: str, email: str, external_id: str = "") -> Candidate:
    return _save(Candidate(organisation=organisation, name=name, email=email, external_id=external_id))


def candidate_update(*, candidate: Candidate, **changes: Any) -> Candidate:
    fields = [field for field in EDITABLE if field in changes]
    for field in fields:
        setattr(candidate, field, changes[field])
    return _save(candidate, update_fields=[*fields, "updated_at"])


def candidate_delete(*, candidate: Candidate) -> None:
    if candidate.invitations.exists():
        raise ConflictError("This candidate has invitations; their record is kept.", code="candidate_in_use")
    candidate.delete()

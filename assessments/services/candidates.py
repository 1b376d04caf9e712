"""Candidates: created, edited and deleted by a hiring manager or an ATS; a candidate with feedback is kept."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError

from assessments.models import Candidate
from assessments.selectors.candidates import candidate_match
from common.exceptions import ConflictError
from organisations.models import Organisation

EDITABLE = ("name", "email", "external_id", "time_zone")


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


def candidate_create(
    *, organisation: Organisation, name: str, email: str, external_id: str = "", time_zone: str = ""
) -> Candidate:
    candidate = Candidate(organisation=organisation, name=name, email=email, external_id=external_id)
    candidate.time_zone = time_zone
    return _save(candidate)


@transaction.atomic
def candidate_find_or_create(
    *, organisation: Organisation, name: str, email: str, external_id: str = ""
) -> tuple[Candidate, bool]:
    """The organisation's candidate for this person (``selectors.candidates.candidate_match``), else a new one.

    Returns the candidate and whether it was created. A reused candidate keeps their name and e-mail;
    one without an external id takes the one given. A clash is a 409 ``candidate_conflict``. The
    organisation's row is locked first, so two invitations of a new person at once make one candidate.
    """
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    match = candidate_match(organisation=organisation, email=email, external_id=external_id)
    if match.conflict:
        raise ConflictError(match.conflict, code="candidate_conflict")
    if match.candidate is None:
        return candidate_create(organisation=organisation, name=name, email=email, external_id=external_id), True
    if external_id and not match.candidate.external_id:
        candidate_update(candidate=match.candidate, external_id=external_id)
    return match.candidate, False


def candidates_create(*, organisation: Organisation, people: Iterable[tuple[str, str, str]]) -> list[Candidate]:
    """Many new candidates (name, e-mail, external id) in one statement, for a bulk invite that has checked them."""
    candidates = [
        Candidate(organisation=organisation, name=name, email=email, external_id=external_id)
        for name, email, external_id in people
    ]
    for candidate in candidates:  # the fields' own validation; no query (the organisation was just read)
        candidate.full_clean(exclude=["organisation"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            return Candidate.objects.bulk_create(candidates)
    except IntegrityError as exc:  # an external id taken meanwhile by a request that does not lock
        raise ConflictError(
            "A candidate with one of these external ids already exists.", code="duplicate_external_id"
        ) from exc


def candidate_update(*, candidate: Candidate, **changes: Any) -> Candidate:
    fields = [field for field in EDITABLE if field in changes]
    for field in fields:
        setattr(candidate, field, changes[field])
    return _save(candidate, update_fields=[*fields, "updated_at"])


@transaction.atomic
def candidate_delete(*, candidate: Candidate) -> None:
    """Delete a candidate nothing refers to; one with an attempt, a scorecard or a decision is kept (409).

    The rows that refer to a candidate hold ``PROTECT`` keys, so the delete itself refuses, whatever was
    checked before. A row created at the same moment cannot slip through: committed before the delete
    looks, it stops the delete; not yet committed, its (deferred) foreign-key check at commit waits for
    the candidate row this lock holds and then fails, so nothing is left pointing at a deleted candidate.
    """
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    try:
        with transaction.atomic():
            candidate.delete()
    except ProtectedError as exc:
        raise _candidate_kept(candidate, blocking=exc.protected_objects) from exc


def _candidate_kept(candidate: Candidate, *, blocking: Iterable[models.Model]) -> ConflictError:
    unused_invitations_only = all(row._meta.model_name == "invitation" for row in blocking) and not (
        candidate.invitations.filter(attempt__isnull=False).exists()
    )
    if unused_invitations_only:
        return ConflictError("This candidate has invitations; their record is kept.", code="candidate_in_use")
    return ConflictError(
        "This candidate has an attempt, a scorecard or a decision; interview feedback is never deleted. "
        "Erasing personal data will anonymise the candidate instead.",
        code="candidate_has_feedback",
    )

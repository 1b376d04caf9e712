"""Bulk invitations: many people (name, e-mail, optional external id) invited to one loop's assessment stage.

``invitation_bulk_plan`` says what inviting the rows would do and writes nothing (the page's preview, the
API's ``dry_run``); ``invitation_bulk_create`` does it, planning again under the organisation's lock so
what it creates is what the plan says at that moment. Per row: a new candidate, an existing one reused
(``selectors.candidates.candidate_matches``: external id, then e-mail), a repeat of an earlier row's
e-mail (``duplicate``: invited once), someone already holding a live invitation to the stage
(``already_invited``: not invited twice, so sending the same batch again creates nothing), or errors.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import Candidate, Invitation, Stage
from assessments.selectors.candidates import CandidateMatch, candidate_matches
from assessments.services.candidates import candidate_update, candidates_create
from assessments.services.invitations import invitation_insert, invitation_stage_check
from common.exceptions import ApplicationError, size_check
from organisations.models import Organisation

BULK_INVITE_MAX_ROWS = 100  # a request stays within about a second, e-mails and webhooks included (docs/api.md)
NAME_MAX, EMAIL_MAX, EXTERNAL_ID_MAX = 200, 254, 128  # the candidate's columns


class RowAction:
    INVITE = "invite"
    DUPLICATE = "duplicate"
    ALREADY_INVITED = "already_invited"
    ERROR = "error"


ROW_ACTIONS = (RowAction.INVITE, RowAction.DUPLICATE, RowAction.ALREADY_INVITED, RowAction.ERROR)


@dataclass(frozen=True)
class BulkRow:
    number: int  # the row's line in the file, or its position in the list (from 1)
    name: str
    email: str
    external_id: str = ""


@dataclass
class BulkRowPlan:
    row: BulkRow
    action: str = RowAction.INVITE
    candidate: Candidate | None = None  # the existing candidate reused (the new one once created)
    new_candidate: bool = False  # an ``invite`` row for someone the organisation does not have yet
    errors: list[str] = field(default_factory=list)
    duplicate_of: int | None = None  # the earlier row with the same e-mail
    invitation: Invitation | None = None  # once created


def _row_errors(row: BulkRow) -> list[str]:
    errors = []
    if not row.name:
        errors.append("The name is empty.")
    elif len(row.name) > NAME_MAX:
        errors.append(f"The name is {len(row.name)} characters; at most {NAME_MAX}.")
    try:
        validate_email(row.email)
        if len(row.email) > EMAIL_MAX:
            raise ValidationError("too long")
    except ValidationError:
        errors.append(f"{row.email!r} is not an e-mail address." if row.email else "The e-mail is empty.")
    if len(row.external_id) > EXTERNAL_ID_MAX:
        errors.append(f"The external id is {len(row.external_id)} characters; at most {EXTERNAL_ID_MAX}.")
    return errors


def _mark_repeats(plans: list[BulkRowPlan]) -> None:
    """A row with an earlier e-mail is a duplicate; one with an earlier external id but another e-mail, an error."""
    first_by_email: dict[str, int] = {}
    email_by_external_id: dict[str, str] = {}
    for plan in plans:
        if plan.action == RowAction.ERROR:
            continue
        email, external_id = plan.row.email.lower(), plan.row.external_id
        if email in first_by_email:
            plan.action, plan.duplicate_of = RowAction.DUPLICATE, first_by_email[email]
            continue
        if external_id and email_by_external_id.get(external_id, email) != email:
            plan.action = RowAction.ERROR
            plan.errors.append(f"External id {external_id!r} is on an earlier row with another e-mail.")
            continue
        first_by_email[email] = plan.row.number
        if external_id:
            email_by_external_id[external_id] = email


def _apply_matches(plans: list[BulkRowPlan], matches: list[CandidateMatch]) -> None:
    for plan, match in zip(plans, matches, strict=True):
        if match.conflict:
            plan.action = RowAction.ERROR
            plan.errors.append(match.conflict)
        plan.candidate, plan.new_candidate = match.candidate, match.candidate is None


def _mark_already_invited(plans: list[BulkRowPlan], stage: Stage) -> None:
    """Candidates holding an invitation to the stage that is not withdrawn and not expired unused."""
    reused = {plan.candidate.pk for plan in plans if plan.action == RowAction.INVITE and plan.candidate}
    live = Q(revoked_at__isnull=True) & (Q(attempt__isnull=False) | Q(expires_at__gt=timezone.now()))
    holding = set(
        Invitation.objects.filter(live, stage=stage, candidate_id__in=reused).values_list("candidate_id", flat=True)
    )
    for plan in plans:
        if plan.action == RowAction.INVITE and plan.candidate and plan.candidate.pk in holding:
            plan.action = RowAction.ALREADY_INVITED


def invitation_bulk_plan(*, organisation: Organisation, stage: Stage, rows: list[BulkRow]) -> list[BulkRowPlan]:
    """What inviting ``rows`` to ``stage`` would do, row by row. Writes nothing; a fixed number of queries.

    The whole batch is refused when the stage cannot take invitations (``invitation_stage_check``) or
    there are more than ``BULK_INVITE_MAX_ROWS`` rows (413 ``too_large``).
    """
    size_check("The list of people", size=len(rows), limit=BULK_INVITE_MAX_ROWS, unit="rows")
    invitation_stage_check(organisation=organisation, stage=stage)
    plans = [BulkRowPlan(row=row) for row in rows]
    for plan in plans:
        plan.errors = _row_errors(plan.row)
        plan.action = RowAction.ERROR if plan.errors else RowAction.INVITE
    _mark_repeats(plans)
    valid = [plan for plan in plans if plan.action == RowAction.INVITE]
    people = [(plan.row.email, plan.row.external_id) for plan in valid]
    _apply_matches(valid, candidate_matches(organisation=organisation, people=people))
    _mark_already_invited(plans, stage)
    return plans


def plans_with_errors(plans: list[BulkRowPlan]) -> list[BulkRowPlan]:
    return [plan for plan in plans if plan.action == RowAction.ERROR]


@transaction.atomic
def invitation_bulk_create(
    *,
    organisation: Organisation,
    stage: Stage,
    rows: list[BulkRow],
    expires_at: datetime,
    duration_minutes: int | None = None,
    opens_at: datetime | None = None,
    created_by: User | AnonymousUser | None = None,
    skip_errors: bool = False,
) -> list[BulkRowPlan]:
    """Invite every ``invite`` row of the plan; rows with errors refuse the whole batch (400 ``invalid_rows``)
    unless ``skip_errors`` (the page, after its preview said they would be skipped)."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # as candidate_find_or_create
    plans = invitation_bulk_plan(organisation=organisation, stage=stage, rows=rows)
    errors = plans_with_errors(plans)
    if errors and not skip_errors:
        raise ApplicationError(
            f"{len(errors)} of {len(plans)} rows cannot be invited; nothing was created.",
            code="invalid_rows",
            details={"rows": [_error_detail(plan) for plan in errors]},
        )
    inviting = [plan for plan in plans if plan.action == RowAction.INVITE]
    _candidates_resolve(organisation, inviting)
    for plan in inviting:
        assert plan.candidate is not None
        plan.invitation = invitation_insert(
            organisation=organisation,
            candidate=plan.candidate,
            stage=stage,
            expires_at=expires_at,
            duration_minutes=duration_minutes,
            opens_at=opens_at,
            created_by=created_by,
        )
    return plans


def _candidates_resolve(organisation: Organisation, inviting: list[BulkRowPlan]) -> None:
    """Create the new candidates (one statement); give a reused one without an external id the row's."""
    new = [plan for plan in inviting if plan.candidate is None]
    people = [(plan.row.name, plan.row.email, plan.row.external_id) for plan in new]
    for plan, candidate in zip(new, candidates_create(organisation=organisation, people=people), strict=True):
        plan.candidate = candidate
    for plan in inviting:
        assert plan.candidate is not None
        if plan.row.external_id and not plan.candidate.external_id:
            candidate_update(candidate=plan.candidate, external_id=plan.row.external_id)


def _error_detail(plan: BulkRowPlan) -> dict[str, object]:
    return {"row": plan.row.number, "email": plan.row.email, "problems": plan.errors}

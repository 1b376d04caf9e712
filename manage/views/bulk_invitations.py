"""Bulk invite: upload a CSV file of people, see what would be created or reused, confirm; nothing before that.

The preview carries the rows to the confirmation signed (``django.core.signing``, an hour), so what is
confirmed is what was previewed; the confirmation plans again (someone may have been invited since),
invites the ``invite`` rows and skips the rest, as the preview said. Confirming twice invites nobody
twice: the second finds everyone ``already_invited``.
"""

from datetime import timedelta
from typing import Any

from django import forms
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from assessments.models import Stage
from assessments.selectors.invitations import invitation_link
from assessments.selectors.loops import stage_get
from assessments.services.bulk_invitations import (
    BULK_INVITE_MAX_ROWS,
    ROW_ACTIONS,
    BulkRow,
    BulkRowPlan,
    RowAction,
    invitation_bulk_create,
    invitation_bulk_plan,
)
from common.exceptions import ApplicationError, NotFoundError
from manage.csv_rows import CSV_MAX_BYTES, CsvFileError, read_people
from manage.views.invitations import StageWindowForm
from organisations.models import Membership
from organisations.pages import organisation_page
from organisations.selectors import MANAGER_ROLES

SALT = "manage.bulk-invite"
PREVIEW_MAX_AGE = 3600


class BulkInviteForm(StageWindowForm):
    file = forms.FileField(
        label=f"CSV file: name, e-mail, optional external id (at most {BULK_INVITE_MAX_ROWS} people)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _counts(plans: list[BulkRowPlan]) -> dict[str, int]:
    counts = {action: sum(1 for plan in plans if plan.action == action) for action in ROW_ACTIONS}
    counts["new"] = sum(1 for plan in plans if plan.action == RowAction.INVITE and plan.new_candidate)
    counts["reused"] = counts[RowAction.INVITE] - counts["new"]
    return counts


def _rows(plans: list[BulkRowPlan]) -> list[dict[str, Any]]:
    return [{"plan": plan, "link": invitation_link(plan.invitation) if plan.invitation else ""} for plan in plans]


def _sealed(membership: Membership, data: dict[str, Any], rows: list[BulkRow]) -> str:
    return signing.dumps(
        {
            "organisation": membership.organisation_id,
            "stage": data["stage"].pk,
            "duration": data["duration_minutes"],
            "days": data["days_open"],
            "rows": [[row.number, row.name, row.email, row.external_id] for row in rows],
        },
        salt=SALT,
        compress=True,
    )


def _unsealed(membership: Membership, token: str) -> tuple[Stage, dict[str, Any], list[BulkRow]]:
    try:
        data = signing.loads(token, salt=SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        raise ApplicationError("The preview is over an hour old; upload the file again.") from None
    except signing.BadSignature:
        raise ApplicationError("The preview could not be read; upload the file again.") from None
    if data["organisation"] != membership.organisation_id:
        raise ApplicationError("The preview is another organisation's; upload the file again.")
    stage = stage_get(organisation=membership.organisation, pk=data["stage"])
    return stage, data, [BulkRow(*row) for row in data["rows"]]


def _preview(membership: Membership, form: BulkInviteForm) -> dict[str, Any]:
    upload = form.cleaned_data["file"]
    if upload.size > CSV_MAX_BYTES:
        raise CsvFileError(f"The file is {upload.size} bytes; the limit is {CSV_MAX_BYTES} bytes.")
    rows = read_people(upload.read())
    stage = form.cleaned_data["stage"]
    plans = invitation_bulk_plan(organisation=membership.organisation, stage=stage, rows=rows)
    token = _sealed(membership, form.cleaned_data, rows)
    return {"rows": _rows(plans), "counts": _counts(plans), "stage": stage, "token": token}


def _confirm(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    stage, data, rows = _unsealed(membership, request.POST.get("token", ""))
    plans = invitation_bulk_create(
        organisation=membership.organisation,
        stage=stage,
        rows=rows,
        expires_at=timezone.now() + timedelta(days=data["days"]),
        duration_minutes=data["duration"],
        created_by=request.user,
        skip_errors=True,
    )
    return {"rows": _rows(plans), "counts": _counts(plans), "stage": stage, "done": True}


@organisation_page(roles=MANAGER_ROLES)
def bulk_invite_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    upload = request.method == "POST" and "token" not in request.POST
    form = BulkInviteForm(
        request.POST if upload else None, request.FILES if upload else None, organisation=organisation
    )
    context: dict[str, Any] = {"organisation": organisation, "form": form, "max_rows": BULK_INVITE_MAX_ROWS}
    status = 200
    try:
        if request.method == "POST" and "token" in request.POST:
            context |= _confirm(request, membership)
        elif request.method == "POST" and form.is_valid():
            context |= _preview(membership, form)
        elif request.method == "POST":
            status = 400
    except (CsvFileError, ApplicationError) as exc:
        message = exc.message if isinstance(exc, ApplicationError) else str(exc)
        if isinstance(exc, NotFoundError):
            message = "That stage is no longer there; upload the file again."
        context["problem"], status = message, 400
    return render(request, "manage/bulk_invite.html", context, status=status)

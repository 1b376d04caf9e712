"""Bulk invitations: POST /api/v1/invitations/bulk/ invites up to 100 people to one loop's assessment stage.

All or nothing: a row with errors refuses the batch (400 ``invalid_rows``, every such row named), and
``dry_run`` answers what would happen without creating anything. Rows are de-duplicated by e-mail; an
existing candidate is reused (external id, then e-mail); someone already holding a live invitation to
the stage is not invited again, so a batch sent twice creates its invitations once (docs/api.md).
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.idempotency import idempotent
from api.schema import error_response
from api.views.invitations import InvitationOutputSerializer, InvitationStageInputSerializer, invitation_stage
from assessments.selectors.invitations import invitation_list
from assessments.services.bulk_invitations import (
    BULK_INVITE_MAX_ROWS,
    EMAIL_MAX,
    EXTERNAL_ID_MAX,
    NAME_MAX,
    ROW_ACTIONS,
    BulkRow,
    BulkRowPlan,
    RowAction,
    invitation_bulk_create,
    invitation_bulk_plan,
)
from common.exceptions import size_check
from notifications.selectors import with_invitation_email
from organisations.models import Organisation
from organisations.permissions import IsOrganisationManager

ACTIONS = list(ROW_ACTIONS)


class BulkRowInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX, allow_blank=True)
    email = serializers.CharField(max_length=EMAIL_MAX, allow_blank=True, help_text="Checked per row (400).")
    external_id = serializers.CharField(max_length=EXTERNAL_ID_MAX, required=False, default="", allow_blank=True)


class BulkInviteInputSerializer(InvitationStageInputSerializer):
    rows = BulkRowInputSerializer(  # type: ignore[call-arg]  # DRF's ListSerializer takes them
        many=True,
        min_length=1,
        max_length=BULK_INVITE_MAX_ROWS,
        help_text=f"The people, at most {BULK_INVITE_MAX_ROWS} (more: 413 `too_large`).",
    )
    dry_run = serializers.BooleanField(default=False, help_text="Answer what would happen; create nothing (200).")


class BulkRowOutputSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's position in `rows`, from 1.")
    email = serializers.CharField()
    action = serializers.ChoiceField(
        choices=ACTIONS,
        help_text="`invite` (invited, or would be), `duplicate` (an earlier row's e-mail: invited once), "
        "`already_invited` (holds a live invitation to the stage: not invited again), `error`.",
    )
    candidate_id = serializers.IntegerField(allow_null=True, help_text="Null for a new candidate in a dry run.")
    new_candidate = serializers.BooleanField(help_text="Whether the candidate is (or would be) created.")
    duplicate_of = serializers.IntegerField(allow_null=True)
    problems = serializers.ListField(child=serializers.CharField(), help_text="Why an `error` row cannot be invited.")
    invitation = InvitationOutputSerializer(allow_null=True, help_text="The new invitation; null in a dry run.")


class BulkInviteOutputSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Rows per action.")
    rows = BulkRowOutputSerializer(many=True)


def _row(plan: BulkRowPlan) -> dict[str, Any]:
    return {
        "row": plan.row.number,
        "email": plan.row.email,
        "action": plan.action,
        "candidate_id": plan.candidate.pk if plan.candidate else None,
        "new_candidate": plan.new_candidate and plan.action == RowAction.INVITE,
        "duplicate_of": plan.duplicate_of,
        "problems": plan.errors,
        "invitation": plan.invitation,
    }


def _answer(plans: list[BulkRowPlan], *, dry_run: bool) -> dict[str, Any]:
    counts = {action: sum(1 for plan in plans if plan.action == action) for action in ACTIONS}
    return {"dry_run": dry_run, "counts": counts, "rows": [_row(plan) for plan in plans]}


def _with_invitations_read(organisation: Organisation, plans: list[BulkRowPlan]) -> None:
    """The new invitations as the invitations API reads them (two queries; not three per row for the attempt and
    the e-mail)."""
    ids = [plan.invitation.pk for plan in plans if plan.invitation]
    read = with_invitation_email(invitation_list(organisation=organisation)).in_bulk(ids)
    for plan in plans:
        if plan.invitation:
            plan.invitation = read[plan.invitation.pk]


BULK_EXAMPLE = OpenApiExample(
    "Invite three people, one of them twice in the list",
    request_only=True,
    value={
        "stage_id": 12,
        "expires_at": "2026-12-02T17:00:00Z",
        "rows": [
            {"name": "Ada Lovelace", "email": "ada@example.com", "external_id": "gh-9921"},
            {"name": "Alan Turing", "email": "alan@example.com"},
            {"name": "Ada L.", "email": "ADA@example.com"},
        ],
    },
)


class InvitationBulkApi(OrganisationApi):
    permission_classes = [IsOrganisationManager]

    @idempotent
    @extend_schema(
        request=BulkInviteInputSerializer,
        # 409: unpublished coding questions, an archived loop
        responses={200: BulkInviteOutputSerializer, 201: BulkInviteOutputSerializer, 409: error_response(409)},
        examples=[BULK_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        rows = request.data.get("rows") if isinstance(request.data, dict) else None
        if isinstance(rows, list):  # before validating each: a huge list is refused at once
            size_check("The list of rows", size=len(rows), limit=BULK_INVITE_MAX_ROWS, unit="rows")
        data = validated(BulkInviteInputSerializer, request.data)
        stage = invitation_stage(self.organisation, data)
        people = [BulkRow(number, **row) for number, row in enumerate(data["rows"], start=1)]
        if data["dry_run"]:
            plans = invitation_bulk_plan(organisation=self.organisation, stage=stage, rows=people)
            return Response(BulkInviteOutputSerializer(_answer(plans, dry_run=True)).data)
        plans = invitation_bulk_create(
            organisation=self.organisation,
            stage=stage,
            rows=people,
            opens_at=data.get("opens_at"),
            expires_at=data["expires_at"],
            duration_minutes=data.get("duration_minutes"),
            created_by=request.user,
        )
        _with_invitations_read(self.organisation, plans)
        answer = BulkInviteOutputSerializer(_answer(plans, dry_run=False)).data
        return Response(answer, status=status.HTTP_201_CREATED)

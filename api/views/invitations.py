"""Invitations: /api/v1/invitations/ (organisation-scoped; admins, hiring managers and API keys only).

An invitation carries the candidate's link, their only credential: an interviewer gets 403 ``role_forbidden``
on every route here, reads included. An invitation is made for a loop's assessment stage (``stage_id``, from
``GET /api/v1/loops/``): without one the request is a 400 (docs/api.md). The candidate is an existing one
(``candidate_id``) or a person (``candidate``: the organisation's candidate with that external id or e-mail
is reused, else created).
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http.response import HttpResponseBase
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.conditional import conditional_response, conditional_schema
from api.idempotency import idempotent
from api.pagination import ListQuerySerializer, filtered, paginate
from api.schema import error_response
from assessments.models import Candidate, Invitation, Stage
from assessments.selectors.candidates import candidate_get
from assessments.selectors.invitations import (
    invitation_get,
    invitation_last_changed,
    invitation_link,
    invitation_list,
    invitation_state_q,
)
from assessments.selectors.loops import stage_get
from assessments.services.accommodations import MAX_EXTRA_MINUTES, MAX_EXTRA_PERCENT, ExtraTime
from assessments.services.candidates import candidate_find_or_create
from assessments.services.invitations import (
    LinkState,
    invitation_create,
    invitation_extend,
    invitation_link_state,
    invitation_revoke,
)
from common.exceptions import ApplicationError
from integrations.models import OutgoingStatus
from notifications.selectors import invitation_email, with_invitation_email
from organisations.models import Organisation
from organisations.permissions import IsOrganisationManager


class InvitationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    candidate_id = serializers.IntegerField()
    question_set_id = serializers.IntegerField()
    stage_id = serializers.IntegerField(allow_null=True)
    opens_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    extra_time_minutes = serializers.IntegerField(
        source="extra_minutes", help_text="Extra time given with the invitation (an accommodation), in minutes."
    )
    updated_at = serializers.DateTimeField(help_text="Moves whenever anything shown here changes (docs/api.md).")
    state = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    attempt = serializers.SerializerMethodField()
    email_status = serializers.SerializerMethodField(
        help_text="The invitation e-mail to the candidate: `failed` means the mail server refused the address "
        "(see `email_error`; fix the candidate's e-mail and resend with /emails/{email_id}/resend/); "
        "null when none was recorded."
    )
    email_error = serializers.SerializerMethodField()
    email_id = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=OutgoingStatus.choices, allow_null=True))
    def get_email_status(self, obj: Invitation) -> str | None:
        email = invitation_email(obj)
        return email.status if email else None

    def get_email_error(self, obj: Invitation) -> str:
        email = invitation_email(obj)
        return email.last_error if email else ""

    def get_email_id(self, obj: Invitation) -> int | None:
        email = invitation_email(obj)
        return email.pk if email else None

    def get_state(self, obj: Invitation) -> str:
        return invitation_link_state(obj)

    def get_url(self, obj: Invitation) -> str:
        return invitation_link(obj)

    def get_attempt(self, obj: Invitation) -> dict | None:
        attempt = getattr(obj, "attempt", None)
        if attempt is None:
            return None
        return {
            "id": attempt.pk,
            "status": attempt.status,
            "started_at": attempt.started_at,
            "deadline": attempt.deadline,
            "submitted_at": attempt.submitted_at,
        }


STAGE_ID_HELP = "The loop's assessment stage (`GET /api/v1/loops/`: a stage of kind `assessment`). Required."
STAGE_REQUIRED = (
    "stage_id is required: every invitation belongs to a loop's assessment stage. "
    "GET /api/v1/loops/ lists each loop's stages; take an assessment stage's id."
)


class InvitationStageInputSerializer(serializers.Serializer):
    """The stage and the window: what a single and a bulk invitation share."""

    stage_id = serializers.IntegerField(help_text=STAGE_ID_HELP, error_messages={"required": STAGE_REQUIRED})
    question_set_id = serializers.IntegerField(
        required=False, help_text="Optional; when given it must be the stage's question set (else 400)."
    )
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    expires_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=24 * 60, required=False, help_text="Defaults to the stage's duration."
    )


class CandidatePersonInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    external_id = serializers.CharField(max_length=128, required=False, default="", allow_blank=True)


class InvitationCreateInputSerializer(InvitationStageInputSerializer):
    extra_time_minutes = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_EXTRA_MINUTES, help_text="Extra time (an accommodation)."
    )
    extra_time_percent = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_EXTRA_PERCENT,
        help_text="Extra time as a percentage of the duration (rounded up to a minute). Not with "
        "`extra_time_minutes` (400 `extra_time_invalid`).",
    )
    extra_time_reason = serializers.CharField(
        required=False,
        max_length=2000,
        help_text="Why the extra time is given: required with it (else 400 `reason_required`), kept as its record.",
    )
    candidate_id = serializers.IntegerField(
        required=False, help_text="An existing candidate. Exactly one of `candidate_id` and `candidate` (else 400)."
    )
    candidate = CandidatePersonInputSerializer(
        required=False,
        help_text="A person instead of `candidate_id`: the organisation's candidate with this external id, else "
        "with this e-mail (any case), is reused; otherwise one is created.",
    )


def invitation_stage(organisation: Organisation, data: dict) -> Stage:
    """The stage ``stage_id`` names (404 if it is not the organisation's); ``question_set_id``, if sent, must agree."""
    stage = stage_get(organisation=organisation, pk=data["stage_id"])
    question_set_id = data.get("question_set_id")
    if question_set_id is not None and question_set_id != stage.question_set_id:
        raise ApplicationError(
            f"question_set_id {question_set_id} is not stage {stage.pk}'s question set ({stage.question_set_id}); "
            "send the stage's, or leave question_set_id out.",
            code="question_set_mismatch",
        )
    return stage


def _candidate(organisation: Organisation, data: dict) -> Candidate:
    if ("candidate_id" in data) == ("candidate" in data):
        raise ApplicationError("Give exactly one of candidate_id and candidate.", code="candidate_required")
    if "candidate_id" in data:
        return candidate_get(organisation=organisation, pk=data["candidate_id"])
    return candidate_find_or_create(organisation=organisation, **data["candidate"])[0]


def extra_time(data: dict[str, Any]) -> ExtraTime | None:
    """The accommodation asked for in a validated invitation body, if any (``invitation_create`` checks it)."""
    minutes, percent = data.get("extra_time_minutes"), data.get("extra_time_percent")
    if minutes is None and percent is None:
        return None
    return ExtraTime(reason=data.get("extra_time_reason", ""), minutes=minutes, percent=percent)


INVITE_REQUEST_EXAMPLE = OpenApiExample(
    "Invite to a loop's assessment stage within a week (its question set and duration)",
    request_only=True,
    value={"candidate_id": 77, "stage_id": 12, "expires_at": "2026-12-02T17:00:00Z"},
)
INVITE_PERSON_EXAMPLE = OpenApiExample(
    "Invite a person by e-mail (an existing candidate with it is reused) for 90 minutes",
    request_only=True,
    value={
        "candidate": {"name": "Ada Lovelace", "email": "ada@example.com", "external_id": "gh-9921"},
        "stage_id": 12,
        "expires_at": "2026-12-02T17:00:00Z",
        "duration_minutes": 90,
    },
)
INVITE_RESPONSE_EXAMPLE = OpenApiExample(
    "The new invitation with the candidate's link",
    response_only=True,
    status_codes=["201"],
    value={
        "id": 501,
        "candidate_id": 77,
        "question_set_id": 3,
        "stage_id": 12,
        "opens_at": "2026-11-25T14:00:00Z",
        "expires_at": "2026-12-02T17:00:00Z",
        "duration_minutes": 90,
        "extra_time_minutes": 0,
        "updated_at": "2026-11-25T14:00:00.412Z",
        "state": "open",
        "url": "https://loopwright.example.com/take/0rX6o2bV…/",
        "attempt": None,
        "email_status": "pending",
        "email_error": "",
        "email_id": 9001,
    },
)
LINK_STATES = [LinkState.OPEN, LinkState.STARTED, LinkState.NOT_OPEN, LinkState.EXPIRED, LinkState.REVOKED]


class InvitationListApi(OrganisationApi):
    permission_classes = [IsOrganisationManager]

    class InvitationFilterSerializer(ListQuerySerializer):
        state = serializers.ChoiceField(choices=LINK_STATES, required=False, help_text="Only links in this state.")
        candidate_id = serializers.IntegerField(required=False, min_value=1, help_text="Only this candidate's.")

    @extend_schema(parameters=[InvitationFilterSerializer], responses=InvitationOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = validated(self.InvitationFilterSerializer, request.query_params)
        invitations = with_invitation_email(invitation_list(organisation=self.organisation))
        queryset = filtered(invitations, query, {"candidate_id": "candidate_id"})
        if query.get("state"):
            queryset = queryset.filter(invitation_state_q(query["state"]))
        return paginate(request, queryset, InvitationOutputSerializer, query=query)

    @idempotent
    @extend_schema(
        request=InvitationCreateInputSerializer,
        # 409: unpublished coding questions, an archived loop, an external id clash
        responses={201: InvitationOutputSerializer, 409: error_response(409)},
        examples=[INVITE_REQUEST_EXAMPLE, INVITE_PERSON_EXAMPLE, INVITE_RESPONSE_EXAMPLE],
    )
    @transaction.atomic
    def post(self, request: Request) -> Response:
        data = validated(InvitationCreateInputSerializer, request.data)
        stage = invitation_stage(self.organisation, data)
        invitation = invitation_create(
            organisation=self.organisation,
            candidate=_candidate(self.organisation, data),
            stage=stage,
            opens_at=data.get("opens_at"),
            expires_at=data["expires_at"],
            duration_minutes=data.get("duration_minutes"),
            created_by=request.user,
            extra_time=extra_time(data),
        )
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailApi(OrganisationApi):
    """Conditional: ETag and Last-Modified (``selectors.invitation_last_changed``), 304 while unchanged."""

    permission_classes = [IsOrganisationManager]

    @extend_schema(**conditional_schema(InvitationOutputSerializer, last_modified=True))
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        invitation = invitation_get(organisation=self.organisation, pk=pk)
        data = InvitationOutputSerializer(invitation).data
        return conditional_response(request, data, last_modified=invitation_last_changed(invitation))


class InvitationRevokeApi(OrganisationApi):
    permission_classes = [IsOrganisationManager]

    @idempotent
    @extend_schema(request=None, responses={200: InvitationOutputSerializer, 409: error_response(409)})  # started
    def post(self, request: Request, pk: int) -> Response:
        invitation = invitation_revoke(invitation=invitation_get(organisation=self.organisation, pk=pk))
        return Response(InvitationOutputSerializer(invitation).data)


class InvitationExtendInputSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField()


class InvitationExtendApi(OrganisationApi):
    permission_classes = [IsOrganisationManager]

    @idempotent
    @extend_schema(request=InvitationExtendInputSerializer, responses=InvitationOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        expires_at: datetime = validated(InvitationExtendInputSerializer, request.data)["expires_at"]
        invitation = invitation_get(organisation=self.organisation, pk=pk)
        extended = invitation_extend(invitation=invitation, expires_at=expires_at)
        return Response(InvitationOutputSerializer(extended).data)

"""Scorecards: /api/v1/scorecards/ (organisation-scoped; reads are blind until the caller submits)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.idempotency import idempotent
from api.pagination import ListQuerySerializer, filtered, paginate
from api.schema import error_response
from assessments.selectors.candidates import candidate_get_visible
from assessments.selectors.loops import stage_get
from organisations.permissions import IsOrganisationMember
from organisations.selectors import MANAGER_ROLES
from rubrics.models import MAX_LEVEL, MIN_LEVEL, Recommendation, Scorecard, ScorecardStatus
from rubrics.selectors.scorecards import scorecard_get_visible, scorecard_list_visible
from rubrics.services.scorecards import scorecard_amend, scorecard_save_draft, scorecard_start, scorecard_submit

TEXT_MAX = 20_000


class ScorecardPersonOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class ScorecardRatingOutputSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    criterion_id = serializers.IntegerField()
    score = serializers.IntegerField()
    notes = serializers.CharField()


class ScorecardAmendmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    author = ScorecardPersonOutputSerializer()
    created_at = serializers.DateTimeField()
    previous = serializers.JSONField(help_text="The scorecard's content before this amendment.")


class ScorecardOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    candidate_id = serializers.IntegerField()
    stage_id = serializers.IntegerField()
    interviewer = ScorecardPersonOutputSerializer()
    status = serializers.CharField()
    recommendation = serializers.CharField()
    key_takeaways = serializers.CharField()
    notes = serializers.CharField()
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    ratings = ScorecardRatingOutputSerializer(many=True)
    amendment_count = serializers.SerializerMethodField()
    amendments = ScorecardAmendmentOutputSerializer(
        many=True, help_text="Each amendment with its reason and author: for the owner and managers only."
    )

    def get_amendment_count(self, obj: Scorecard) -> int:
        return len(obj.amendments.all())

    def to_representation(self, instance: Scorecard) -> dict[str, Any]:
        data = super().to_representation(instance)
        membership = self.context["membership"]
        if instance.interviewer_id != membership.user_id and membership.role not in MANAGER_ROLES:
            data["amendments"] = []
        return data


class ScorecardRatingInputSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    criterion_id = serializers.IntegerField()
    # Range errors are the service's (code ``invalid_rating``), so one rule gives one error everywhere.
    score = serializers.IntegerField(help_text=f"{MIN_LEVEL} to {MAX_LEVEL}")
    notes = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class ScorecardContentInputSerializer(serializers.Serializer):
    ratings = serializers.ListField(child=ScorecardRatingInputSerializer(), required=False, max_length=500)
    key_takeaways = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, required=False, allow_blank=True)


class ScorecardApi(OrganisationApi):
    """Scorecards the caller may see: their own, and others' submitted ones once blind feedback allows."""

    def respond(self, scorecard: Scorecard, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = scorecard_get_visible(membership=self.membership, pk=scorecard.pk)
        context = {"membership": self.membership}
        return Response(ScorecardOutputSerializer(fresh, context=context).data, status=status_code)


class ScorecardListApi(ScorecardApi):
    """List the scorecards visible to the caller, or start (or resume) the caller's own for a candidate and stage."""

    permission_classes = [IsOrganisationMember]

    class ScorecardFilterSerializer(ListQuerySerializer):
        candidate_id = serializers.IntegerField(required=False, min_value=1, help_text="Only this candidate's.")
        stage_id = serializers.IntegerField(required=False, min_value=1, help_text="Only this stage's.")
        status = serializers.ChoiceField(
            choices=ScorecardStatus.choices, required=False, help_text="Draft or submitted."
        )

    class ScorecardStartInputSerializer(serializers.Serializer):
        candidate_id = serializers.IntegerField()
        stage_id = serializers.IntegerField()

    @extend_schema(
        parameters=[ScorecardFilterSerializer],
        responses={200: ScorecardOutputSerializer(many=True), 404: error_response(404)},  # no such candidate or stage
    )
    def get(self, request: Request) -> Response:
        filters = validated(self.ScorecardFilterSerializer, request.query_params)
        candidate_id, stage_id = filters.get("candidate_id"), filters.get("stage_id")
        scorecards = scorecard_list_visible(
            membership=self.membership,
            candidate=candidate_get_visible(membership=self.membership, pk=candidate_id) if candidate_id else None,
            stage=stage_get(organisation=self.organisation, pk=stage_id) if stage_id else None,
        )
        scorecards = filtered(scorecards, filters, {"status": "status"})
        context = {"membership": self.membership}
        return paginate(request, scorecards, ScorecardOutputSerializer, query=filters, context=context)

    @idempotent
    @extend_schema(
        request=ScorecardStartInputSerializer,
        responses={201: ScorecardOutputSerializer, 404: error_response(404)},  # a candidate the caller may not see
        description="Start (or resume) the caller's scorecard for a candidate in a stage they interview on. "
        "403 `not_assigned` when the caller is not an interviewer on the stage; 403 `not_in_loop` when the "
        "candidate is not in the stage's loop; 404 for a candidate the caller may not see (an interviewer sees "
        "only the candidates of the loops where they are assigned to a stage).",
    )
    def post(self, request: Request) -> Response:
        data = validated(self.ScorecardStartInputSerializer, request.data)
        scorecard = scorecard_start(
            interviewer=self.membership.user,
            candidate=candidate_get_visible(membership=self.membership, pk=data["candidate_id"]),
            stage=stage_get(organisation=self.organisation, pk=data["stage_id"]),
        )
        return self.respond(scorecard, status.HTTP_201_CREATED)


class ScorecardDetailApi(ScorecardApi):
    """Read a visible scorecard; PATCH autosaves the caller's own draft (optimistic ``version``)."""

    permission_classes = [IsOrganisationMember]
    partial_patch = False  # ``version`` is required

    class ScorecardSaveDraftInputSerializer(ScorecardContentInputSerializer):
        version = serializers.IntegerField(min_value=0, help_text="Required: the version the client last saw.")

    @extend_schema(responses=ScorecardOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return self.respond(scorecard_get_visible(membership=self.membership, pk=pk))

    @extend_schema(
        request=ScorecardSaveDraftInputSerializer,
        responses={200: ScorecardOutputSerializer, 409: error_response(409)},  # a stale version; submitted already
    )
    def patch(self, request: Request, pk: int) -> Response:
        scorecard = scorecard_get_visible(membership=self.membership, pk=pk)
        data = validated(self.ScorecardSaveDraftInputSerializer, request.data)
        saved = scorecard_save_draft(scorecard=scorecard, actor=self.membership.user, **data)
        return self.respond(saved)


class ScorecardSubmitApi(ScorecardApi):
    """Submit the caller's own draft: every assigned criterion rated and a recommendation given. Locks it."""

    permission_classes = [IsOrganisationMember]

    @idempotent
    @extend_schema(request=None, responses={200: ScorecardOutputSerializer, 409: error_response(409)})  # submitted
    def post(self, request: Request, pk: int) -> Response:
        scorecard = scorecard_get_visible(membership=self.membership, pk=pk)
        return self.respond(scorecard_submit(scorecard=scorecard, actor=self.membership.user))


class ScorecardAmendApi(ScorecardApi):
    """Change the caller's own submitted scorecard with a reason; the previous content is kept."""

    permission_classes = [IsOrganisationMember]

    class ScorecardAmendInputSerializer(ScorecardContentInputSerializer):
        # Blank passes here so that the service's ``reason_required`` is the one answer to a missing reason.
        reason = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)

    @idempotent
    @extend_schema(
        request=ScorecardAmendInputSerializer,
        responses={200: ScorecardOutputSerializer, 409: error_response(409)},  # not submitted yet
    )
    def post(self, request: Request, pk: int) -> Response:
        scorecard = scorecard_get_visible(membership=self.membership, pk=pk)
        data = validated(self.ScorecardAmendInputSerializer, request.data)
        return self.respond(scorecard_amend(scorecard=scorecard, actor=self.membership.user, **data))

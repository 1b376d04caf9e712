"""Loops: /api/v1/loops/ with their stages, read-only. An ATS takes an assessment stage's ``id`` (and its
``question_set_id``) from here to invite a candidate into a loop (``POST /api/v1/invitations/``)."""

from django.http.response import HttpResponseBase
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.conditional import conditional_response, conditional_schema
from api.pagination import ListQuerySerializer, filtered, paginate
from assessments.models import Stage, StageKind
from assessments.selectors.loops import loop_get, loop_list
from organisations.permissions import IsOrganisationManager


class StageSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=StageKind.choices, help_text="Invite candidates to `assessment` stages.")

    class Meta:
        model = Stage
        fields = ["id", "position", "kind", "title", "question_set_id", "duration_minutes", "weight"]


class LoopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    role = serializers.CharField()
    description = serializers.CharField()
    is_archived = serializers.BooleanField()
    updated_at = serializers.DateTimeField()
    stages = StageSerializer(many=True, help_text="In order.")


class LoopListApi(OrganisationApi):
    """Admins, hiring managers and API keys; interviewers get 403 (their loops are on /interviews/)."""

    permission_classes = [IsOrganisationManager]

    class LoopFilterSerializer(ListQuerySerializer):
        is_archived = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(parameters=[LoopFilterSerializer], responses=LoopSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = validated(self.LoopFilterSerializer, request.query_params)
        loops = filtered(loop_list(organisation=self.organisation), query, {"is_archived": "is_archived"})
        return paginate(request, loops.prefetch_related("stages"), LoopSerializer, query=query)


class LoopDetailApi(OrganisationApi):
    permission_classes = [IsOrganisationManager]

    @extend_schema(**conditional_schema(LoopSerializer, last_modified=False))
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        loop = loop_get(organisation=self.organisation, pk=pk)
        return conditional_response(request, LoopSerializer(loop).data)  # ETag only: a stage's edit moves no time

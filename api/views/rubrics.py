"""Rubrics: /api/v1/rubrics/ (organisation-scoped)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.idempotency import idempotent
from api.pagination import ListQuerySerializer, paginate
from api.schema import error_response
from organisations.permissions import IsOrganisationManagerOrReadOnly
from rubrics.models import MAX_LEVEL, MIN_LEVEL, RubricKind
from rubrics.selectors.rubrics import rubric_get, rubric_list
from rubrics.services.rubrics import rubric_create, rubric_delete


class LevelSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=MIN_LEVEL, max_value=MAX_LEVEL)
    label = serializers.CharField(max_length=40)  # type: ignore[assignment]
    description = serializers.CharField(max_length=5000)


class CriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    weight = serializers.FloatField(min_value=0.001, default=1.0)
    levels = LevelSerializer(many=True, min_length=4, max_length=4)  # type: ignore[call-arg]  # 1 per score

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["levels"] = LevelSerializer(sorted(instance.levels.all(), key=lambda lv: lv.score), many=True).data
        return data


class RubricSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    key = serializers.SlugField(max_length=120)
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=RubricKind.choices, default=RubricKind.QUESTION)
    description = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    criteria = CriterionSerializer(many=True, min_length=1, max_length=50)  # type: ignore[call-arg]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        criteria = sorted(instance.criteria.all(), key=lambda c: c.position)
        data["criteria"] = CriterionSerializer(criteria, many=True).data
        return data


class RubricListApi(OrganisationApi):
    permission_classes = [IsOrganisationManagerOrReadOnly]

    @extend_schema(parameters=[ListQuerySerializer], responses=RubricSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = validated(ListQuerySerializer, request.query_params)
        return paginate(request, rubric_list(organisation=self.organisation), RubricSerializer, query=query)

    @idempotent
    @extend_schema(request=RubricSerializer, responses={201: RubricSerializer, 409: error_response(409)})  # key taken
    def post(self, request: Request) -> Response:
        rubric = rubric_create(organisation=self.organisation, **validated(RubricSerializer, request.data))
        rubric = rubric_get(organisation=self.organisation, pk=rubric.pk)
        return Response(RubricSerializer(rubric).data, status=status.HTTP_201_CREATED)


class RubricDetailApi(OrganisationApi):
    permission_classes = [IsOrganisationManagerOrReadOnly]

    @extend_schema(responses=RubricSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(RubricSerializer(rubric_get(organisation=self.organisation, pk=pk)).data)

    @extend_schema(responses={204: None, 409: error_response(409)})  # in use
    def delete(self, request: Request, pk: int) -> Response:
        rubric_delete(rubric=rubric_get(organisation=self.organisation, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

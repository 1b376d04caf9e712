"""Candidates: /api/v1/candidates/ (organisation-scoped; managers write)."""

from django.http.response import HttpResponseBase
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.conditional import conditional_response, conditional_schema
from api.idempotency import idempotent
from api.pagination import ListQuerySerializer, filtered, paginate
from api.schema import error_response
from assessments.models import Candidate
from assessments.selectors.candidates import candidate_get, candidate_list
from assessments.services.candidates import candidate_create, candidate_delete, candidate_update
from organisations.permissions import IsOrganisationManagerOrReadOnly


class CandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "name", "email", "external_id", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class CandidateListApi(OrganisationApi):
    permission_classes = [IsOrganisationManagerOrReadOnly]

    class CandidateFilterSerializer(ListQuerySerializer):
        external_id = serializers.CharField(required=False, max_length=128, help_text="The ATS's id for the person.")
        email = serializers.EmailField(required=False, help_text="Exact address, case-insensitive.")

    @extend_schema(parameters=[CandidateFilterSerializer], responses=CandidateSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = validated(self.CandidateFilterSerializer, request.query_params)
        lookups = {"external_id": "external_id", "email": "email__iexact"}
        queryset = filtered(candidate_list(organisation=self.organisation), query, lookups)
        return paginate(request, queryset, CandidateSerializer, query=query)

    @idempotent
    @extend_schema(
        request=CandidateSerializer,
        responses={201: CandidateSerializer, 409: error_response(409)},  # a duplicate external id
        examples=[
            OpenApiExample(
                "A candidate with the ATS's id",
                request_only=True,
                value={"name": "Ada Lovelace", "email": "ada@example.com", "external_id": "gh-app-93812"},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = validated(CandidateSerializer, request.data)
        candidate = candidate_create(organisation=self.organisation, **data)
        return Response(CandidateSerializer(candidate).data, status=status.HTTP_201_CREATED)


class CandidateDetailApi(OrganisationApi):
    permission_classes = [IsOrganisationManagerOrReadOnly]

    @extend_schema(**conditional_schema(CandidateSerializer, last_modified=True))
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        candidate = candidate_get(organisation=self.organisation, pk=pk)
        return conditional_response(request, CandidateSerializer(candidate).data, last_modified=candidate.updated_at)

    @extend_schema(
        request=CandidateSerializer,
        responses={200: CandidateSerializer, 409: error_response(409)},  # a duplicate external id
    )
    def patch(self, request: Request, pk: int) -> Response:
        candidate = candidate_get(organisation=self.organisation, pk=pk)
        data = validated(CandidateSerializer, request.data, partial=True)
        return Response(CandidateSerializer(candidate_update(candidate=candidate, **data)).data)

    @extend_schema(responses={204: None, 409: error_response(409)})  # invited, or feedback to keep
    def delete(self, request: Request, pk: int) -> Response:
        candidate_delete(candidate=candidate_get(organisation=self.organisation, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

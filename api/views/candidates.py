"""Candidates: /api/v1/candidates/ (organisation-scoped; managers write; interviewers read their loops' in brief).

Need to know: an interviewer reads only the candidates of the loops where they are assigned to a stage
(``candidate_list_visible``), and of each only what the interview needs (``CandidateInterviewOutputSerializer``:
id and name). Any other candidate answers 404, the same as a missing one.
"""

from typing import Any

from django.http.response import HttpResponseBase
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.conditional import conditional_response, conditional_schema
from api.idempotency import idempotent
from api.pagination import ListQuerySerializer, filtered, paginate
from api.schema import error_response
from assessments.models import Candidate
from assessments.selectors.candidates import candidate_get, candidate_get_visible, candidate_list_visible
from assessments.services.candidates import candidate_create, candidate_delete, candidate_update
from common.exceptions import PermissionDeniedError
from common.time_zones import time_zone_names
from organisations.models import Membership
from organisations.permissions import ROLE_FORBIDDEN, IsOrganisationManagerOrReadOnly
from organisations.selectors import membership_is_manager

MANAGERS_ONLY = "Managers and API keys only: absent from an interviewer's answer (need to know)."
TIME_ZONE_CHOICES = sorted(time_zone_names())
MANAGERS_FILTER = "Managers and API keys only: an interviewer using it gets 403 `role_forbidden`."


@extend_schema_serializer(component_name="Candidate")
class CandidateInputSerializer(serializers.ModelSerializer):
    time_zone = serializers.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        required=False,
        allow_blank=True,
        help_text="IANA name; times in the candidate's e-mails are given in it (empty: UTC).",
    )

    class Meta:
        model = Candidate
        fields = ["name", "email", "external_id", "time_zone"]


class CandidateInterviewOutputSerializer(serializers.Serializer):
    """What an interviewer reads of a candidate of their loops: what the interview needs, no personal data."""

    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="Candidate")
class CandidateOutputSerializer(CandidateInterviewOutputSerializer):
    """A candidate. Interviewers get only `id` and `name`: what the interview needs."""

    email = serializers.EmailField(required=False, help_text=MANAGERS_ONLY)
    external_id = serializers.CharField(required=False, help_text=f"The ATS's id for the person. {MANAGERS_ONLY}")
    time_zone = serializers.CharField(
        required=False,
        help_text=f"IANA name; times in the candidate's e-mails are given in it (empty: UTC). {MANAGERS_ONLY}",
    )
    created_at = serializers.DateTimeField(required=False, help_text=MANAGERS_ONLY)
    updated_at = serializers.DateTimeField(required=False, help_text=MANAGERS_ONLY)


def candidate_output(membership: Membership) -> type[serializers.Serializer]:
    """The one producer of a candidate's JSON, in full or in brief by the caller's role."""
    return CandidateOutputSerializer if membership_is_manager(membership) else CandidateInterviewOutputSerializer


def candidate_data(membership: Membership, candidate: Candidate) -> Any:
    return candidate_output(membership)(candidate).data


READS = (
    "Managers and API keys: every candidate of the organisation, in full. Interviewers: only the candidates of "
    "the loops where they are assigned to a stage, with `id` and `name` only; any other answers 404."
)


class CandidateListApi(OrganisationApi):
    permission_classes = [IsOrganisationManagerOrReadOnly]

    class CandidateFilterSerializer(ListQuerySerializer):
        external_id = serializers.CharField(
            required=False, max_length=128, help_text=f"The ATS's id for the person. {MANAGERS_FILTER}"
        )
        email = serializers.EmailField(required=False, help_text=f"Exact address, case-insensitive. {MANAGERS_FILTER}")

    @extend_schema(
        parameters=[CandidateFilterSerializer], responses=CandidateOutputSerializer(many=True), description=READS
    )
    def get(self, request: Request) -> Response:
        query = validated(self.CandidateFilterSerializer, request.query_params)
        lookups = {"external_id": "external_id", "email": "email__iexact"}
        if not membership_is_manager(self.membership) and any(query.get(name) for name in lookups):
            raise PermissionDeniedError(
                "Only admins and hiring managers can look candidates up by personal data.", code=ROLE_FORBIDDEN
            )
        queryset = filtered(candidate_list_visible(membership=self.membership), query, lookups)
        return paginate(request, queryset, candidate_output(self.membership), query=query)

    @idempotent
    @extend_schema(
        request=CandidateInputSerializer,
        responses={201: CandidateOutputSerializer, 409: error_response(409)},  # a duplicate external id
        examples=[
            OpenApiExample(
                "A candidate with the ATS's id",
                request_only=True,
                value={"name": "Ada Lovelace", "email": "ada@example.com", "external_id": "gh-app-93812"},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = validated(CandidateInputSerializer, request.data)
        candidate = candidate_create(organisation=self.organisation, **data)
        return Response(candidate_data(self.membership, candidate), status=status.HTTP_201_CREATED)


class CandidateDetailApi(OrganisationApi):
    permission_classes = [IsOrganisationManagerOrReadOnly]

    @extend_schema(**conditional_schema(CandidateOutputSerializer, last_modified=True), description=READS)
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        candidate = candidate_get_visible(membership=self.membership, pk=pk)
        data = candidate_data(self.membership, candidate)
        return conditional_response(request, data, last_modified=candidate.updated_at)

    @extend_schema(
        request=CandidateInputSerializer,
        responses={200: CandidateOutputSerializer, 409: error_response(409)},  # a duplicate external id
    )
    def patch(self, request: Request, pk: int) -> Response:
        candidate = candidate_get(organisation=self.organisation, pk=pk)
        data = validated(CandidateInputSerializer, request.data, partial=True)
        return Response(candidate_data(self.membership, candidate_update(candidate=candidate, **data)))

    @extend_schema(responses={204: None, 409: error_response(409)})  # invited, or feedback to keep
    def delete(self, request: Request, pk: int) -> Response:
        candidate_delete(candidate=candidate_get(organisation=self.organisation, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

"""Question sets: /api/v1/question-sets/ (organisation-scoped), and importing one from Markdown (in the request,
or as a job when the document is large: /api/v1/question-set-imports/<id>/)."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.idempotency import idempotent
from api.pagination import ListQuerySerializer, paginate
from api.schema import ErrorBodySerializer
from assessments.importing import MarkdownImportError
from assessments.models import HiddenFeedback, ImportJob, ImportJobStatus, QuestionSet
from assessments.selectors.import_jobs import import_job_get
from assessments.selectors.question_sets import question_set_get, question_set_list
from assessments.services.import_jobs import import_job_create, import_runs_inline
from assessments.services.importing import question_set_import
from assessments.services.question_sets import question_set_update
from common.exceptions import ApplicationError, size_check
from organisations.permissions import IsOrganisationManager, IsOrganisationManagerOrReadOnly, IsOrganisationMember


class QuestionSetOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    hidden_feedback = serializers.ChoiceField(
        choices=HiddenFeedback.choices,
        help_text="What candidates see of their final grading on hidden tests: each test's verdict (`per_test`), "
        "only how many were accepted (`count`) or only that it was submitted (`none`). Sample runs: always in full.",
    )
    sections = serializers.SerializerMethodField()

    def get_sections(self, obj: QuestionSet) -> list[dict]:
        return [
            {
                "title": section.title,
                "position": section.position,
                "question_ids": [item.question_id for item in sorted(section.items.all(), key=lambda i: i.position)],
            }
            for section in sorted(obj.sections.all(), key=lambda s: s.position)
        ]


class QuestionSetListApi(OrganisationApi):
    """The organisation's question sets: what an ATS offers as tests."""

    permission_classes = [IsOrganisationMember]

    @extend_schema(parameters=[ListQuerySerializer], responses=QuestionSetOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = validated(ListQuerySerializer, request.query_params)
        queryset = question_set_list(organisation=self.organisation)
        return paginate(request, queryset, QuestionSetOutputSerializer, query=query)


class QuestionSetDetailApi(OrganisationApi):
    permission_classes = [IsOrganisationManagerOrReadOnly]

    class QuestionSetUpdateInputSerializer(serializers.Serializer):
        hidden_feedback = serializers.ChoiceField(choices=HiddenFeedback.choices, required=False)

    @extend_schema(responses=QuestionSetOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        question_set = question_set_get(organisation=self.organisation, pk=pk)
        return Response(QuestionSetOutputSerializer(question_set).data)

    @extend_schema(request=QuestionSetUpdateInputSerializer, responses=QuestionSetOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        question_set = question_set_get(organisation=self.organisation, pk=pk)
        data = validated(self.QuestionSetUpdateInputSerializer, request.data)
        if data:  # an empty PATCH changes nothing and answers with the set as it is
            question_set_update(question_set=question_set, **data)
        return Response(QuestionSetOutputSerializer(question_set_get(organisation=self.organisation, pk=pk)).data)


class QuestionSetImportOutputSerializer(serializers.Serializer):
    question_set = QuestionSetOutputSerializer()
    unchanged = serializers.BooleanField()
    sections = serializers.IntegerField()
    questions = serializers.IntegerField()
    created_questions = serializers.IntegerField()
    skipped = serializers.ListField(child=serializers.CharField())


class ImportJobOutputSerializer(serializers.Serializer):
    """A Markdown import too large for the request, run by a worker: its status and, once done, its outcome."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="Where to read this job (also the 202's `Location`).")
    status = serializers.ChoiceField(choices=ImportJobStatus.choices)
    slug = serializers.CharField(help_text="The slug asked for, if any.")
    title = serializers.CharField(help_text="The title asked for, if any.")
    characters = serializers.IntegerField(help_text="The length of the Markdown document.")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    error = ErrorBodySerializer(
        allow_null=True, help_text="Why it failed (`failed`): the codes an import in the request answers with a 400."
    )
    result = serializers.SerializerMethodField(
        help_text="What the import did (`succeeded`): the body a 201 or 200 import answers. Null before, "
        "or if the question set has since been deleted."
    )

    def get_url(self, obj: ImportJob) -> str:
        return reverse("question-set-import-job", args=[obj.pk])

    @extend_schema_field(QuestionSetImportOutputSerializer(allow_null=True))
    def get_result(self, obj: ImportJob) -> dict[str, Any] | None:
        if obj.status != ImportJobStatus.SUCCEEDED or obj.question_set is None:
            return None
        return QuestionSetImportOutputSerializer({**obj.report, "question_set": obj.question_set}).data


LOCATION_HEADER = OpenApiParameter(
    "Location",
    type=str,
    location=OpenApiParameter.HEADER,
    response=[202],
    description="The import job: `GET` it until its `status` is `succeeded` or `failed` (not sent on a replay).",
)


class QuestionSetImportApi(OrganisationApi):
    """Import a question set from Markdown: a small document at once (201, or 200 when unchanged), a large one
    as a job (202 with its `Location`; docs/api.md, "Importing a question set")."""

    permission_classes = [IsOrganisationManager]

    class QuestionSetImportInputSerializer(serializers.Serializer):
        markdown = serializers.CharField()
        slug = serializers.SlugField(max_length=120, required=False, default="")
        title = serializers.CharField(max_length=200, required=False, default="")

    @idempotent
    @extend_schema(
        request=QuestionSetImportInputSerializer,
        parameters=[LOCATION_HEADER],
        responses={
            201: QuestionSetImportOutputSerializer,
            200: QuestionSetImportOutputSerializer,
            202: OpenApiResponse(
                ImportJobOutputSerializer,
                description=f"More than {settings.IMPORT_INLINE_MAX_CHARS} characters or "
                f"{settings.IMPORT_INLINE_MAX_QUESTIONS} questions: imported by a worker; follow `Location`.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(self.QuestionSetImportInputSerializer, request.data)
        text = data["markdown"]
        size_check("The Markdown", size=len(text), limit=settings.MARKDOWN_IMPORT_MAX_CHARS, unit="characters")
        if not import_runs_inline(text):
            return self._accepted(data)
        try:
            report = question_set_import(
                organisation=self.organisation, text=text, slug=data["slug"], title=data["title"]
            )
        except MarkdownImportError as exc:
            raise ApplicationError(str(exc), code="no_questions") from exc
        question_set = question_set_get(organisation=self.organisation, pk=report.question_set.pk)
        report.question_set = question_set
        code = status.HTTP_200_OK if report.unchanged else status.HTTP_201_CREATED
        return Response(QuestionSetImportOutputSerializer(report).data, status=code)

    def _accepted(self, data: dict[str, Any]) -> Response:
        job = import_job_create(
            organisation=self.organisation,
            source=data["markdown"],
            slug=data["slug"],
            title=data["title"],
            created_by=self.membership.user if self.membership.user_id else None,
        )
        body = ImportJobOutputSerializer(import_job_get(organisation=self.organisation, pk=job.pk)).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ImportJobDetailApi(OrganisationApi):
    """A Markdown import job: `queued`, `running`, then `succeeded` (with its `result`) or `failed` (its `error`)."""

    permission_classes = [IsOrganisationManager]

    @extend_schema(responses=ImportJobOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ImportJobOutputSerializer(import_job_get(organisation=self.organisation, pk=pk)).data)

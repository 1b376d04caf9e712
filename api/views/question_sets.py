"""Question sets: /api/v1/question-sets/ (organisation-scoped), and importing one from Markdown."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.idempotency import idempotent
from api.pagination import ListQuerySerializer, paginate
from assessments.importing import MarkdownImportError
from assessments.models import HiddenFeedback, QuestionSet
from assessments.selectors.question_sets import question_set_get, question_set_list
from assessments.services.importing import question_set_import
from assessments.services.question_sets import question_set_update
from common.exceptions import ApplicationError, size_check
from organisations.permissions import IsOrganisationManager, IsOrganisationManagerOrReadOnly, IsOrganisationMember

MARKDOWN_IMPORT_MAX_CHARS = 500_000


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


class QuestionSetImportApi(OrganisationApi):
    permission_classes = [IsOrganisationManager]

    class QuestionSetImportInputSerializer(serializers.Serializer):
        markdown = serializers.CharField()
        slug = serializers.SlugField(max_length=120, required=False, default="")
        title = serializers.CharField(max_length=200, required=False, default="")

    class QuestionSetImportOutputSerializer(serializers.Serializer):
        question_set = QuestionSetOutputSerializer()
        unchanged = serializers.BooleanField()
        sections = serializers.IntegerField()
        questions = serializers.IntegerField()
        created_questions = serializers.IntegerField()
        skipped = serializers.ListField(child=serializers.CharField())

    @idempotent
    @extend_schema(
        request=QuestionSetImportInputSerializer,
        responses={201: QuestionSetImportOutputSerializer, 200: QuestionSetImportOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(self.QuestionSetImportInputSerializer, request.data)
        size_check("The Markdown", size=len(data["markdown"]), limit=MARKDOWN_IMPORT_MAX_CHARS, unit="characters")
        try:
            report = question_set_import(
                organisation=self.organisation, text=data["markdown"], slug=data["slug"], title=data["title"]
            )
        except MarkdownImportError as exc:
            raise ApplicationError(str(exc), code="no_questions") from exc
        question_set = question_set_get(organisation=self.organisation, pk=report.question_set.pk)
        report.question_set = question_set
        code = status.HTTP_200_OK if report.unchanged else status.HTTP_201_CREATED
        return Response(self.QuestionSetImportOutputSerializer(report).data, status=code)

"""Question bank, question sets and candidates: /api/v1/ (organisation-scoped)."""

from django.http.response import HttpResponseBase
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import WRITE_METHODS, OrganisationApi, validated
from api.conditional import conditional_response, conditional_schema
from api.pagination import ListQuerySerializer, filtered, paginate
from assessments import selectors
from assessments.importing import MarkdownImportError
from assessments.models import Candidate, Difficulty, Question, QuestionKind, QuestionRevision, QuestionSet
from assessments.services.candidates import candidate_create, candidate_delete, candidate_update
from assessments.services.importing import question_set_import
from assessments.services.questions import question_archive, question_create, question_revise
from common.exceptions import ApplicationError, size_check
from rubrics.selectors.rubrics import rubric_get

MARKDOWN_IMPORT_MAX_CHARS = 500_000


class QuestionOutputSerializer(serializers.ModelSerializer):
    revision = serializers.SerializerMethodField()
    prompt = serializers.SerializerMethodField()
    rubric_id = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = ["id", "key", "title", "kind", "difficulty", "tags", "is_archived", "revision", "prompt", "rubric_id"]

    def _current(self, obj: Question) -> QuestionRevision | None:
        revisions = sorted(obj.revisions.all(), key=lambda r: r.number)
        return revisions[-1] if revisions else None

    def get_revision(self, obj: Question) -> int | None:
        current = self._current(obj)
        return current.number if current else None

    def get_prompt(self, obj: Question) -> str:
        current = self._current(obj)
        return current.prompt if current else ""

    def get_rubric_id(self, obj: Question) -> int | None:
        current = self._current(obj)
        return current.rubric_id if current else None


class QuestionListApi(OrganisationApi):
    manager_only_methods = frozenset({"POST"})

    class QuestionFilterSerializer(ListQuerySerializer):
        kind = serializers.ChoiceField(choices=QuestionKind.choices, required=False, help_text="Only this kind.")
        archived = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="Archived or not.")

    class QuestionCreateInputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=QuestionKind.choices)
        prompt = serializers.CharField(max_length=50_000)
        title = serializers.CharField(max_length=200, required=False, default="")
        difficulty = serializers.ChoiceField(choices=Difficulty.choices, default=Difficulty.MEDIUM)
        tags = serializers.ListField(child=serializers.CharField(max_length=50), max_length=20, default=list)
        rubric_id = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(parameters=[QuestionFilterSerializer], responses=QuestionOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = validated(self.QuestionFilterSerializer, request.query_params)
        lookups = {"kind": "kind", "archived": "is_archived"}
        queryset = filtered(selectors.question_list(organisation=self.organisation), query, lookups)
        return paginate(request, queryset, QuestionOutputSerializer, query=query)

    @extend_schema(request=QuestionCreateInputSerializer, responses={201: QuestionOutputSerializer})
    def post(self, request: Request) -> Response:
        data = validated(self.QuestionCreateInputSerializer, request.data)
        rubric_id = data.pop("rubric_id", None)
        rubric = rubric_get(organisation=self.organisation, pk=rubric_id) if rubric_id else None
        question = question_create(organisation=self.organisation, rubric=rubric, **data)
        question = selectors.question_get(organisation=self.organisation, pk=question.pk)
        return Response(QuestionOutputSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionDetailApi(OrganisationApi):
    manager_only_methods = WRITE_METHODS

    class QuestionReviseInputSerializer(serializers.Serializer):
        prompt = serializers.CharField(max_length=50_000, required=False)
        interviewer_notes = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
        rubric_id = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(responses=QuestionOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        question = selectors.question_get(organisation=self.organisation, pk=pk)
        return Response(QuestionOutputSerializer(question).data)

    @extend_schema(request=QuestionReviseInputSerializer, responses=QuestionOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        question = selectors.question_get(organisation=self.organisation, pk=pk)
        changes = validated(self.QuestionReviseInputSerializer, request.data)
        if "rubric_id" in changes:
            rubric_id = changes.pop("rubric_id")
            changes["rubric"] = rubric_get(organisation=self.organisation, pk=rubric_id) if rubric_id else None
        if changes:  # an empty PATCH changes nothing and answers with the question as it is
            question_revise(question=question, **changes)
        return Response(QuestionOutputSerializer(selectors.question_get(organisation=self.organisation, pk=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        question_archive(question=selectors.question_get(organisation=self.organisation, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionSetOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
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

    @extend_schema(parameters=[ListQuerySerializer], responses=QuestionSetOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = validated(ListQuerySerializer, request.query_params)
        queryset = selectors.question_set_list(organisation=self.organisation)
        return paginate(request, queryset, QuestionSetOutputSerializer, query=query)


class QuestionSetDetailApi(OrganisationApi):
    @extend_schema(responses=QuestionSetOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        question_set = selectors.question_set_get(organisation=self.organisation, pk=pk)
        return Response(QuestionSetOutputSerializer(question_set).data)


class QuestionSetImportApi(OrganisationApi):
    manager_only_methods = frozenset({"POST"})

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
        question_set = selectors.question_set_get(organisation=self.organisation, pk=report.question_set.pk)
        report.question_set = question_set
        code = status.HTTP_200_OK if report.unchanged else status.HTTP_201_CREATED
        return Response(self.QuestionSetImportOutputSerializer(report).data, status=code)


class CandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "name", "email", "external_id", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class CandidateListApi(OrganisationApi):
    manager_only_methods = frozenset({"POST"})
    conflict_methods = frozenset({"POST"})  # duplicate external id

    class CandidateFilterSerializer(ListQuerySerializer):
        external_id = serializers.CharField(required=False, max_length=128, help_text="The ATS's id for the person.")
        email = serializers.EmailField(required=False, help_text="Exact address, case-insensitive.")

    @extend_schema(parameters=[CandidateFilterSerializer], responses=CandidateSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = validated(self.CandidateFilterSerializer, request.query_params)
        lookups = {"external_id": "external_id", "email": "email__iexact"}
        queryset = filtered(selectors.candidate_list(organisation=self.organisation), query, lookups)
        return paginate(request, queryset, CandidateSerializer, query=query)

    @extend_schema(
        request=CandidateSerializer,
        responses={201: CandidateSerializer},
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
    manager_only_methods = WRITE_METHODS
    conflict_methods = frozenset({"PATCH", "DELETE"})  # duplicate external id; has invitations

    @extend_schema(**conditional_schema(CandidateSerializer, last_modified=True))
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        candidate = selectors.candidate_get(organisation=self.organisation, pk=pk)
        return conditional_response(request, CandidateSerializer(candidate).data, last_modified=candidate.updated_at)

    @extend_schema(request=CandidateSerializer, responses=CandidateSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        candidate = selectors.candidate_get(organisation=self.organisation, pk=pk)
        data = validated(CandidateSerializer, request.data, partial=True)
        return Response(CandidateSerializer(candidate_update(candidate=candidate, **data)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        candidate_delete(candidate=selectors.candidate_get(organisation=self.organisation, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

"""The question bank: /api/v1/questions/ (organisation-scoped; managers write)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.idempotency import idempotent
from api.pagination import ListQuerySerializer, filtered, paginate
from assessments.models import Difficulty, Question, QuestionKind, QuestionRevision
from assessments.selectors.questions import question_get, question_list
from assessments.services.questions import question_archive, question_create, question_revise
from organisations.permissions import IsOrganisationManagerOrReadOnly
from rubrics.selectors.rubrics import rubric_get


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
    permission_classes = [IsOrganisationManagerOrReadOnly]

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
        queryset = filtered(question_list(organisation=self.organisation), query, lookups)
        return paginate(request, queryset, QuestionOutputSerializer, query=query)

    @idempotent
    @extend_schema(request=QuestionCreateInputSerializer, responses={201: QuestionOutputSerializer})
    def post(self, request: Request) -> Response:
        data = validated(self.QuestionCreateInputSerializer, request.data)
        rubric_id = data.pop("rubric_id", None)
        rubric = rubric_get(organisation=self.organisation, pk=rubric_id) if rubric_id else None
        question = question_create(organisation=self.organisation, rubric_id=rubric.pk if rubric else None, **data)
        question = question_get(organisation=self.organisation, pk=question.pk)
        return Response(QuestionOutputSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionDetailApi(OrganisationApi):
    permission_classes = [IsOrganisationManagerOrReadOnly]

    class QuestionReviseInputSerializer(serializers.Serializer):
        prompt = serializers.CharField(max_length=50_000, required=False)
        interviewer_notes = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
        rubric_id = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(responses=QuestionOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        question = question_get(organisation=self.organisation, pk=pk)
        return Response(QuestionOutputSerializer(question).data)

    @extend_schema(request=QuestionReviseInputSerializer, responses=QuestionOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        question = question_get(organisation=self.organisation, pk=pk)
        changes = validated(self.QuestionReviseInputSerializer, request.data)
        if "rubric_id" in changes:
            rubric_id = changes.pop("rubric_id")
            changes["rubric"] = rubric_get(organisation=self.organisation, pk=rubric_id) if rubric_id else None
        if changes:  # an empty PATCH changes nothing and answers with the question as it is
            question_revise(question=question, **changes)
        return Response(QuestionOutputSerializer(question_get(organisation=self.organisation, pk=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        question_archive(question=question_get(organisation=self.organisation, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

"""Attempts and their results: /api/v1/attempts/ (organisation-scoped, read-only; admins, hiring managers, API keys).

What an ATS polls after sending an invitation: the attempt's status and timestamps, then, once it
is graded (``complete``), the result: per-question scores, verdicts, rubric aggregates and the
report's URL. Webhooks (``attempt.graded``) say when to look. Interviewers get 403 ``role_forbidden``:
an attempt is a candidate's work and timing, not what an interview needs, and its result's rubric
aggregates would unblind scorecards.
"""

from django.http.response import HttpResponseBase
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.conditional import conditional_response, conditional_schema
from api.idempotency import idempotent
from api.pagination import ListQuerySerializer, filtered, paginate
from api.schema import error_response
from assessments.models import AttemptStatus
from assessments.selectors.attempts import attempt_get, attempt_list
from assessments.services.accommodations import MAX_EXTRA_MINUTES
from assessments.services.attempts import attempt_extend
from organisations.permissions import IsOrganisationManager
from rubrics.selectors.attempt_results import attempt_result


class AttemptOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    invitation_id = serializers.IntegerField()
    candidate_id = serializers.IntegerField(source="invitation.candidate_id")
    question_set_id = serializers.IntegerField(source="invitation.question_set_id")
    stage_id = serializers.IntegerField(source="invitation.stage_id", allow_null=True)
    status = serializers.ChoiceField(choices=AttemptStatus.choices)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    finalised_by_deadline = serializers.BooleanField(help_text="Submitted by the server at the deadline.")
    updated_at = serializers.DateTimeField()


class ScoreOverrideSerializer(serializers.Serializer):
    score = serializers.FloatField(help_text="The reviewer's score, 0..1: the one that counts.")
    graded_score = serializers.FloatField(allow_null=True, help_text="The graded score when it was overridden.")
    reason = serializers.CharField()
    by = serializers.CharField(help_text="Who overrode it (a person's name, or an API key).")
    at = serializers.DateTimeField()


class CodingResultSerializer(serializers.Serializer):
    submission_status = serializers.CharField(allow_null=True, help_text="queued, running, graded or failed.")
    verdict = serializers.CharField(allow_null=True, help_text="The submission's overall verdict once graded.")
    score = serializers.FloatField(
        allow_null=True, help_text="0..1: a reviewer's override if there is one, else the graded score."
    )
    graded_score = serializers.FloatField(
        allow_null=True, help_text="Weighted share of hidden tests passed, 0..1, as graded (overridden or not)."
    )
    override = ScoreOverrideSerializer(allow_null=True, help_text="The reviewer's override in force, if any.")
    tests_total = serializers.IntegerField()
    tests_passed = serializers.IntegerField()
    verdicts = serializers.DictField(child=serializers.IntegerField(), help_text="Tests per verdict.")


class QuestionRubricSerializer(serializers.Serializer):
    mean_rating = serializers.FloatField(help_text="Mean of submitted ratings on this question (1–4).")
    ratings = serializers.IntegerField()


class QuestionResultSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    question_id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    section = serializers.CharField()
    points = serializers.FloatField()
    answered = serializers.BooleanField()
    coding = CodingResultSerializer(allow_null=True)
    rubric = QuestionRubricSerializer(allow_null=True)


class StageScoreSerializer(serializers.Serializer):
    stage_id = serializers.IntegerField()
    title = serializers.CharField()
    score = serializers.FloatField(allow_null=True)


class RubricAggregateSerializer(serializers.Serializer):
    scorecards_submitted = serializers.IntegerField()
    overall = serializers.FloatField(allow_null=True, help_text="Stage-weighted mean rating (1–4).")
    mean_rating = serializers.FloatField(allow_null=True, help_text="Criterion-weighted mean of every rating.")
    stages = StageScoreSerializer(many=True)
    recommendations = serializers.DictField(child=serializers.IntegerField())


class AttemptResultSerializer(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    candidate_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AttemptStatus.choices)
    complete = serializers.BooleanField(help_text="Graded: every final submission has a result.")
    score = serializers.FloatField(
        allow_null=True, help_text="Coding score 0–100, weighted by points, with reviewers' overrides."
    )
    graded_score = serializers.FloatField(allow_null=True, help_text="The same score as graded, without overrides.")
    overridden = serializers.BooleanField(help_text="A reviewer's override counts in `score`.")
    verdicts = serializers.DictField(child=serializers.IntegerField(), help_text="Hidden tests per verdict.")
    questions = QuestionResultSerializer(many=True)
    rubric = RubricAggregateSerializer(allow_null=True, help_text="Null when the attempt belongs to no loop.")
    report_url = serializers.URLField()


RESULT_EXAMPLE = OpenApiExample(
    "A graded attempt",
    response_only=True,
    value={
        "attempt_id": 812,
        "candidate_id": 77,
        "status": "graded",
        "complete": True,
        "score": 87.5,
        "graded_score": 87.5,
        "overridden": False,
        "verdicts": {"accepted": 35, "wrong_answer": 2},
        "questions": [
            {
                "position": 7,
                "question_id": 31,
                "key": "cosine-similarity",
                "title": "Cosine similarity",
                "kind": "coding",
                "section": "Coding",
                "points": 1.0,
                "answered": True,
                "coding": {
                    "submission_status": "graded",
                    "verdict": "wrong_answer",
                    "score": 0.9,
                    "graded_score": 0.9,
                    "override": None,
                    "tests_total": 20,
                    "tests_passed": 18,
                    "verdicts": {"accepted": 18, "wrong_answer": 2},
                },
                "rubric": None,
            }
        ],
        "rubric": {
            "scorecards_submitted": 2,
            "overall": 3.25,
            "mean_rating": 3.2,
            "stages": [{"stage_id": 5, "title": "Technical interview", "score": 3.25}],
            "recommendations": {"strong_no": 0, "no": 0, "yes": 1, "strong_yes": 1},
        },
        "report_url": "https://loopwright.example.com/manage/candidates/77/report/?loop=3",
    },
)


class AttemptListApi(OrganisationApi):
    permission_classes = [IsOrganisationManager]

    class AttemptFilterSerializer(ListQuerySerializer):
        status = serializers.ChoiceField(choices=AttemptStatus.choices, required=False, help_text="Only this status.")
        candidate_id = serializers.IntegerField(required=False, min_value=1, help_text="Only this candidate's.")
        invitation_id = serializers.IntegerField(required=False, min_value=1, help_text="Only this invitation's.")

    @extend_schema(parameters=[AttemptFilterSerializer], responses=AttemptOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = validated(self.AttemptFilterSerializer, request.query_params)
        lookups = {"status": "status", "candidate_id": "invitation__candidate_id", "invitation_id": "invitation_id"}
        queryset = filtered(attempt_list(organisation=self.organisation), query, lookups)
        return paginate(request, queryset, AttemptOutputSerializer, query=query)


class AttemptDetailApi(OrganisationApi):
    """Conditional: ETag and Last-Modified (the attempt's ``updated_at``), 304 while unchanged."""

    permission_classes = [IsOrganisationManager]

    @extend_schema(
        **conditional_schema(AttemptOutputSerializer, last_modified=True),
        examples=[
            OpenApiExample(
                "Submitted, waiting for grading",
                response_only=True,
                value={
                    "id": 812,
                    "invitation_id": 501,
                    "candidate_id": 77,
                    "question_set_id": 3,
                    "stage_id": None,
                    "status": "submitted",
                    "started_at": "2026-11-26T09:02:11Z",
                    "deadline": "2026-11-26T10:32:11Z",
                    "submitted_at": "2026-11-26T10:14:52Z",
                    "finalised_by_deadline": False,
                    "updated_at": "2026-11-26T10:14:52Z",
                },
            )
        ],
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        attempt = attempt_get(organisation=self.organisation, pk=pk)
        data = AttemptOutputSerializer(attempt).data
        return conditional_response(request, data, last_modified=attempt.updated_at)


class AttemptResultApi(OrganisationApi):
    """Managers and API keys only: the rubric aggregates would unblind scorecards for an interviewer.

    Conditional on an ETag of the body alone: the result is read from submissions, gradings,
    scorecards and stages, which no single ``updated_at`` covers (no Last-Modified).
    """

    permission_classes = [IsOrganisationManager]

    @extend_schema(**conditional_schema(AttemptResultSerializer, last_modified=False), examples=[RESULT_EXAMPLE])
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        attempt = attempt_get(organisation=self.organisation, pk=pk)
        return conditional_response(request, AttemptResultSerializer(attempt_result(attempt=attempt)).data)


class AttemptExtendInputSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=MAX_EXTRA_MINUTES, help_text="Minutes to add.")
    reason = serializers.CharField(max_length=2000, help_text="Why (an accommodation, an outage…): kept on record.")


class AttemptExtendApi(OrganisationApi):
    """Extra time for an attempt under way: its deadline moves later, even past the invitation's window.

    Recorded with who and why; the candidate's open page shows the new deadline within
    ``CANDIDATE_CLOCK_POLL_SECONDS``; webhooks get ``attempt.updated`` (``change: deadline_extended``).
    """

    permission_classes = [IsOrganisationManager]

    @idempotent
    @extend_schema(
        request=AttemptExtendInputSerializer,
        responses={200: AttemptOutputSerializer, 409: error_response(409)},  # submitted, or past its deadline
        examples=[
            OpenApiExample(
                "Thirty more minutes",
                request_only=True,
                value={"minutes": 30, "reason": "Agreed accommodation: 1.5 × time"},
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        attempt = attempt_get(organisation=self.organisation, pk=pk)  # another organisation's: 404 whatever the body
        data = validated(AttemptExtendInputSerializer, request.data)
        extended = attempt_extend(attempt=attempt, minutes=data["minutes"], reason=data["reason"], by=request.user)
        return Response(AttemptOutputSerializer(extended).data)

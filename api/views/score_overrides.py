"""A reviewer's score for a coding question: POST /api/v1/attempts/{id}/score-overrides/ (managers and write keys)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.idempotency import idempotent
from api.schema import error_response
from api.views.attempts import AttemptResultSerializer
from assessments.selectors.attempts import attempt_get
from grading.services.overrides import score_override_record
from organisations.permissions import IsOrganisationManager
from rubrics.selectors.attempt_results import attempt_result


class ScoreOverrideInputSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(min_value=1, help_text="The coding question (`questions[].question_id`).")
    score = serializers.FloatField(
        min_value=0, max_value=1, allow_null=True, help_text="0..1, like a graded score; null withdraws the override."
    )
    reason = serializers.CharField(max_length=2000, help_text="Why: kept on record and shown beside the score.")


class ScoreOverrideApi(OrganisationApi):
    """Override one coding question's score with a reason, or withdraw the override; the graded score stays.

    Answers the attempt's result as it now reads: `score` counts the override, `graded_score` does not,
    `overridden` says one is in force. Webhooks get `attempt.updated` (`change: score_overridden`).
    """

    permission_classes = [IsOrganisationManager]

    @idempotent
    @extend_schema(
        request=ScoreOverrideInputSerializer,
        responses={200: AttemptResultSerializer, 409: error_response(409)},  # not graded; nothing to withdraw
        examples=[
            OpenApiExample(
                "A reviewer's score",
                request_only=True,
                value={"question_id": 31, "score": 0.8, "reason": "Hidden test 7 expects the old rounding."},
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        attempt = attempt_get(organisation=self.organisation, pk=pk)  # another organisation's: 404 whatever the body
        data = validated(ScoreOverrideInputSerializer, request.data)
        score_override_record(
            attempt=attempt,
            question_id=data["question_id"],
            score=data["score"],
            reason=data["reason"],
            by=request.user,
        )
        return Response(AttemptResultSerializer(attempt_result(attempt=attempt)).data)

"""Re-grading a final submission on demand: POST /api/v1/attempts/{id}/regrade/ (managers and write keys)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.idempotency import idempotent
from api.schema import error_response
from assessments.selectors.attempts import attempt_get
from assessments.selectors.submissions import attempt_final_submission_get
from grading.models import GradingRequest
from grading.services.submissions import submission_regrade
from organisations.permissions import IsOrganisationManager


class RegradeInputSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(min_value=1, help_text="The coding question (`questions[].question_id`).")
    reason = serializers.CharField(max_length=2000, help_text="Why: kept on record, shown in the report.")


class GradingRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="`regrade` (on request) or `requeue` (after a failed grading).")
    submission_id = serializers.IntegerField()
    attempt_id = serializers.IntegerField(source="submission.attempt_question.attempt_id")
    question_id = serializers.IntegerField(source="submission.attempt_question.revision.question_id")
    submission_status = serializers.CharField(
        source="submission.status", help_text="`queued` until a worker claims it."
    )
    reason = serializers.CharField()
    requested_by = serializers.CharField(source="requested_by_label")
    requested_at = serializers.DateTimeField(source="created_at")
    pinned_image_digest = serializers.CharField(
        help_text="The image the previous grading used, asked for again; empty when there is none."
    )


class RegradeApi(OrganisationApi):
    """Grade a coding question's final submission again, through the grading queue, and record who and why.

    Pinned to the image digest the previous grading recorded where the grading host still holds it (the
    report says when it did not). Refused while that submission is queued or being graded (409
    `grading_in_progress`): it is never graded twice at once. The result's `score` leaves the question
    out until the new grading is in; webhooks then get `attempt.updated` (`change: regraded`).
    """

    permission_classes = [IsOrganisationManager]

    @idempotent
    @extend_schema(
        request=RegradeInputSerializer,
        responses={202: GradingRequestOutputSerializer, 409: error_response(409)},  # being graded now
    )
    def post(self, request: Request, pk: int) -> Response:
        attempt = attempt_get(organisation=self.organisation, pk=pk)  # another organisation's: 404 whatever the body
        data = validated(RegradeInputSerializer, request.data)
        submission = attempt_final_submission_get(attempt=attempt, question_id=data["question_id"])
        grading_request = submission_regrade(submission=submission, reason=data["reason"], by=request.user)
        return Response(GradingRequestOutputSerializer(_fresh(grading_request)).data, status=status.HTTP_202_ACCEPTED)


def _fresh(grading_request: GradingRequest) -> GradingRequest:
    """With the submission's status as queued just now (the instance read before the update says otherwise)."""
    grading_request.submission.refresh_from_db(fields=["status"])
    return grading_request

"""Every REST route: the organisation API under /api/v1/ and the candidate's own under /take/<token>/api/."""

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt

from api.views import (
    attempts,
    bulk_invitations,
    candidate_attempt,
    candidates,
    emails,
    grading_requests,
    invitations,
    loops,
    question_sets,
    questions,
    rubrics,
    score_overrides,
    scorecards,
)
from common.exceptions import error_body


@csrf_exempt  # it changes nothing; the answer to any method is the same JSON 404
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other /api/v1/ path: a 404 in the API's error shape, not the site's HTML page."""
    return JsonResponse(error_body("not_found", f"No API endpoint at {request.path}."), status=404)


# /api/v1/ (config.urls)
urlpatterns = [
    path("questions/", questions.QuestionListApi.as_view(), name="question-list"),
    path("questions/<int:pk>/", questions.QuestionDetailApi.as_view(), name="question-detail"),
    path("question-sets/", question_sets.QuestionSetListApi.as_view(), name="question-set-list"),
    path("question-sets/import/", question_sets.QuestionSetImportApi.as_view(), name="question-set-import"),
    path("question-sets/<int:pk>/", question_sets.QuestionSetDetailApi.as_view(), name="question-set-detail"),
    path("question-set-imports/<int:pk>/", question_sets.ImportJobDetailApi.as_view(), name="question-set-import-job"),
    path("candidates/", candidates.CandidateListApi.as_view(), name="candidate-list"),
    path("candidates/<int:pk>/", candidates.CandidateDetailApi.as_view(), name="candidate-detail"),
    path("invitations/", invitations.InvitationListApi.as_view(), name="invitation-list"),
    path("invitations/bulk/", bulk_invitations.InvitationBulkApi.as_view(), name="invitation-bulk"),
    path("invitations/<int:pk>/", invitations.InvitationDetailApi.as_view(), name="invitation-detail"),
    path("invitations/<int:pk>/revoke/", invitations.InvitationRevokeApi.as_view(), name="invitation-revoke"),
    path("invitations/<int:pk>/extend/", invitations.InvitationExtendApi.as_view(), name="invitation-extend"),
    path("loops/", loops.LoopListApi.as_view(), name="loop-list"),
    path("loops/<int:pk>/", loops.LoopDetailApi.as_view(), name="loop-detail"),
    path("attempts/", attempts.AttemptListApi.as_view(), name="attempt-list"),
    path("attempts/<int:pk>/", attempts.AttemptDetailApi.as_view(), name="attempt-detail"),
    path("attempts/<int:pk>/result/", attempts.AttemptResultApi.as_view(), name="attempt-result"),
    path("attempts/<int:pk>/extend/", attempts.AttemptExtendApi.as_view(), name="attempt-extend"),
    path(
        "attempts/<int:pk>/score-overrides/", score_overrides.ScoreOverrideApi.as_view(), name="attempt-score-override"
    ),
    path("attempts/<int:pk>/regrade/", grading_requests.RegradeApi.as_view(), name="attempt-regrade"),
    path("rubrics/", rubrics.RubricListApi.as_view(), name="rubric-list"),
    path("rubrics/<int:pk>/", rubrics.RubricDetailApi.as_view(), name="rubric-detail"),
    path("scorecards/", scorecards.ScorecardListApi.as_view(), name="scorecard-list"),
    path("scorecards/<int:pk>/", scorecards.ScorecardDetailApi.as_view(), name="scorecard-detail"),
    path("scorecards/<int:pk>/submit/", scorecards.ScorecardSubmitApi.as_view(), name="scorecard-submit"),
    path("scorecards/<int:pk>/amend/", scorecards.ScorecardAmendApi.as_view(), name="scorecard-amend"),
    path("emails/", emails.EmailListApi.as_view(), name="email-list"),
    path("emails/<int:pk>/", emails.EmailDetailApi.as_view(), name="email-detail"),
    path("emails/<int:pk>/resend/", emails.EmailResendApi.as_view(), name="email-resend"),
    re_path(r"^(?P<rest>.*)$", api_not_found),
]

# /take/ (config.urls): the candidate's JSON API, beside the candidate's pages (assessments.urls)
candidate_attempt_urlpatterns: list[URLPattern] = [
    path("<str:token>/api/state/", candidate_attempt.StateApi.as_view(), name="candidate-api-state"),
    path("<str:token>/api/clock/", candidate_attempt.ClockApi.as_view(), name="candidate-api-clock"),
    path(
        "<str:token>/api/answers/<int:question_id>/",
        candidate_attempt.AnswerSaveApi.as_view(),
        name="candidate-api-answer",
    ),
    path(
        "<str:token>/api/answers/<int:question_id>/preview/",
        candidate_attempt.AnswerPreviewApi.as_view(),
        name="candidate-api-preview",
    ),
    path(
        "<str:token>/api/answers/<int:question_id>/run-samples/",
        candidate_attempt.RunSamplesApi.as_view(),
        name="candidate-api-run-samples",
    ),
    path(
        "<str:token>/api/submissions/<int:submission_id>/",
        candidate_attempt.SubmissionApi.as_view(),
        name="candidate-api-submission",
    ),
    path("<str:token>/api/submit/", candidate_attempt.SubmitApi.as_view(), name="candidate-api-submit"),
    path("<str:token>/api/events/", candidate_attempt.EventsApi.as_view(), name="candidate-api-events"),
]

from django.urls import path

from api.views import candidate_attempt as apis
from assessments.views import candidate_attempt as views

urlpatterns = [
    path("<str:token>/", views.landing, name="candidate-landing"),
    path("<str:token>/start/", views.start, name="candidate-start"),
    path("<str:token>/attempt/", views.attempt_page, name="candidate-attempt"),
    path("<str:token>/api/state/", apis.StateApi.as_view(), name="candidate-api-state"),
    path("<str:token>/api/answers/<int:question_id>/", apis.AnswerSaveApi.as_view(), name="candidate-api-answer"),
    path(
        "<str:token>/api/answers/<int:question_id>/preview/",
        apis.AnswerPreviewApi.as_view(),
        name="candidate-api-preview",
    ),
    path(
        "<str:token>/api/answers/<int:question_id>/run-samples/",
        apis.RunSamplesApi.as_view(),
        name="candidate-api-run-samples",
    ),
    path(
        "<str:token>/api/submissions/<int:submission_id>/",
        apis.SubmissionApi.as_view(),
        name="candidate-api-submission",
    ),
    path("<str:token>/api/submit/", apis.SubmitApi.as_view(), name="candidate-api-submit"),
    path("<str:token>/api/events/", apis.EventsApi.as_view(), name="candidate-api-events"),
]

"""The candidate's pages under /take/<token>/ (their JSON API is api.urls.candidate_attempt_urlpatterns)."""

from django.urls import path

from assessments.views import candidate_attempt

urlpatterns = [
    path("<str:token>/", candidate_attempt.landing, name="candidate-landing"),
    path("<str:token>/start/", candidate_attempt.start, name="candidate-start"),
    path("<str:token>/attempt/", candidate_attempt.attempt_page, name="candidate-attempt"),
]

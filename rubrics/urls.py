"""The interviewers' pages under /interviews/ (their scorecards' JSON API is api.urls)."""

from django.urls import path

from rubrics.views import interviews, scorecards

urlpatterns = [
    path("", interviews.my_interviews, name="interviews-queue"),
    path("<int:stage_id>/<int:candidate_id>/", scorecards.scorecard_page, name="interviews-scorecard"),
]

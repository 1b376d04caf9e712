from django.urls import path

from rubrics.views import scorecards as web_views

urlpatterns = [
    path("", web_views.my_interviews, name="interviews-queue"),
    path("<int:stage_id>/<int:candidate_id>/", web_views.scorecard_page, name="interviews-scorecard"),
]

from django.urls import path

from rubrics import apis, scorecard_apis

urlpatterns = [
    path("rubrics/", apis.RubricListApi.as_view(), name="rubric-list"),
    path("rubrics/<int:pk>/", apis.RubricDetailApi.as_view(), name="rubric-detail"),
    path("scorecards/", scorecard_apis.ScorecardListApi.as_view(), name="scorecard-list"),
    path("scorecards/<int:pk>/", scorecard_apis.ScorecardDetailApi.as_view(), name="scorecard-detail"),
    path("scorecards/<int:pk>/submit/", scorecard_apis.ScorecardSubmitApi.as_view(), name="scorecard-submit"),
    path("scorecards/<int:pk>/amend/", scorecard_apis.ScorecardAmendApi.as_view(), name="scorecard-amend"),
]

from django.urls import path

from api.views import rubrics as apis
from api.views import scorecards as scorecard_apis

urlpatterns = [
    path("rubrics/", apis.RubricListApi.as_view(), name="rubric-list"),
    path("rubrics/<int:pk>/", apis.RubricDetailApi.as_view(), name="rubric-detail"),
    path("scorecards/", scorecard_apis.ScorecardListApi.as_view(), name="scorecard-list"),
    path("scorecards/<int:pk>/", scorecard_apis.ScorecardDetailApi.as_view(), name="scorecard-detail"),
    path("scorecards/<int:pk>/submit/", scorecard_apis.ScorecardSubmitApi.as_view(), name="scorecard-submit"),
    path("scorecards/<int:pk>/amend/", scorecard_apis.ScorecardAmendApi.as_view(), name="scorecard-amend"),
]

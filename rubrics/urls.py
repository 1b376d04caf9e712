from django.urls import path

from rubrics import apis

urlpatterns = [
    path("rubrics/", apis.RubricListApi.as_view(), name="rubric-list"),
    path("rubrics/<int:pk>/", apis.RubricDetailApi.as_view(), name="rubric-detail"),
]

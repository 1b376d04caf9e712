from django.urls import path

from manage.views import loops as views
from manage.views.similarity import similarity_view

urlpatterns = [
    path("loops/new/", views.loop_new_view, name="manage-loop-new"),
    path("loops/<int:pk>/edit/", views.loop_edit_view, name="manage-loop-edit"),
    path("loops/<int:pk>/clone/", views.loop_clone_view, name="manage-loop-clone"),
    path("loops/<int:pk>/preview/", views.loop_preview_view, name="manage-loop-preview"),
    path("loops/<int:pk>/stages/<int:stage_pk>/remove/", views.stage_remove_view, name="manage-loop-stage-remove"),
    path(
        "loops/<int:pk>/stages/<int:stage_pk>/interviewers/",
        views.stage_interviewer_view,
        name="manage-loop-stage-interviewer",
    ),
    path("loops/<int:pk>/stages/<int:stage_pk>/focus/", views.stage_focus_view, name="manage-loop-stage-focus"),
    path("similarity/<int:submission_a>/<int:submission_b>/", similarity_view, name="manage-similarity"),
]

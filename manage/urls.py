"""The hiring-manager and admin pages under /manage/ (the integration pages under /manage/integrations/ are
integrations.urls), and the public page of a colleague's invite link under /accounts/ (``account_urlpatterns``)."""

from django.urls import path

from manage.views import (
    attempts,
    calibration,
    candidates,
    gradings,
    import_jobs,
    invitations,
    join,
    loops,
    overrides,
    people,
    pipeline,
    question_validations,
    questions,
    reports,
    similarity,
    stages,
)

urlpatterns = [
    path("invitations/", invitations.invitations, name="manage-invitations"),
    path("invitations/<int:pk>/revoke/", invitations.invitation_revoke_view, name="manage-invitation-revoke"),
    path("candidates/", candidates.candidate_list_view, name="manage-candidates"),
    path("candidates/<int:pk>/", candidates.candidate_view, name="manage-candidate"),
    path("candidates/<int:pk>/report/", reports.candidate_report_view, name="manage-candidate-report"),
    path("candidates/<int:pk>/decide/", reports.candidate_decide_view, name="manage-candidate-decide"),
    path("attempts/<int:pk>/", reports.attempt_report_view, name="manage-attempt"),
    path("attempts/<int:pk>/extend/", attempts.attempt_extend_view, name="manage-attempt-extend"),
    path("attempts/<int:pk>/override/", overrides.score_override_view, name="manage-attempt-override"),
    path("attempts/<int:pk>/regrade/", gradings.regrade_view, name="manage-attempt-regrade"),
    path("gradings/failed/", gradings.failed_gradings_view, name="manage-failed-gradings"),
    path("gradings/<int:pk>/requeue/", gradings.requeue_view, name="manage-grading-requeue"),
    path("loops/", pipeline.loop_list_view, name="manage-loops"),
    path("loops/<int:pk>/pipeline/", pipeline.loop_pipeline_view, name="manage-loop-pipeline"),
    path("loops/<int:pk>/pipeline.csv", pipeline.loop_pipeline_csv_view, name="manage-loop-pipeline-csv"),
    path("loops/<int:pk>/calibration/", calibration.loop_calibration_view, name="manage-loop-calibration"),
    path("loops/new/", loops.loop_new_view, name="manage-loop-new"),
    path("loops/<int:pk>/edit/", loops.loop_edit_view, name="manage-loop-edit"),
    path("loops/<int:pk>/clone/", loops.loop_clone_view, name="manage-loop-clone"),
    path("loops/<int:pk>/preview/", loops.loop_preview_view, name="manage-loop-preview"),
    path("loops/<int:pk>/archive/", loops.loop_archive_view, name="manage-loop-archive"),
    path("loops/<int:pk>/stages/<int:stage_pk>/remove/", stages.stage_remove_view, name="manage-loop-stage-remove"),
    path(
        "loops/<int:pk>/stages/<int:stage_pk>/interviewers/",
        stages.stage_interviewer_view,
        name="manage-loop-stage-interviewer",
    ),
    path("loops/<int:pk>/stages/<int:stage_pk>/focus/", stages.stage_focus_view, name="manage-loop-stage-focus"),
    path("question-sets/import/", import_jobs.import_new_view, name="manage-import-new"),
    path("question-sets/imports/<int:pk>/", import_jobs.import_job_view, name="manage-import-job"),
    path("questions/", questions.question_list_view, name="manage-questions"),
    path("questions/new/", questions.question_new_view, name="manage-question-new"),
    path("questions/<int:pk>/", questions.question_edit_view, name="manage-question-edit"),
    path("questions/<int:pk>/archive/", questions.question_archive_view, name="manage-question-archive"),
    path("questions/<int:pk>/preview/", questions.question_preview_view, name="manage-question-preview"),
    path("questions/<int:pk>/validate/", question_validations.question_validate_view, name="manage-question-validate"),
    path(
        "questions/<int:pk>/validation/",
        question_validations.question_validation_view,
        name="manage-question-validation",
    ),
    path("questions/<int:pk>/publish/", question_validations.question_publish_view, name="manage-question-publish"),
    path("similarity/<int:submission_a>/<int:submission_b>/", similarity.similarity_view, name="manage-similarity"),
    path("people/", people.people_view, name="manage-people"),
    path("people/<int:pk>/role/", people.person_role_view, name="manage-person-role"),
    path("people/<int:pk>/deactivate/", people.person_deactivate_view, name="manage-person-deactivate"),
    path("people/<int:pk>/reactivate/", people.person_reactivate_view, name="manage-person-reactivate"),
    path("people/invites/<int:pk>/revoke/", people.colleague_invite_revoke_view, name="manage-colleague-invite-revoke"),
]

account_urlpatterns = [
    path("join/<str:token>/", join.colleague_join_view, name="colleague-join"),
]

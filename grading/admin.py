"""Grading evidence is written only by the grader: everything here is read-only, but for requeueing failed gradings.

Code submissions (an assessments model) are registered here, with their grading results inline.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from assessments.admin.mixins import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from assessments.models import CodeSubmission
from grading.models import GradingRequest, GradingResult, ScoreOverride, SpecValidation, TestResult
from grading.services.submissions import submission_requeue

# What the candidate's code returned is for reviewers; it stays on the test result's own page.
TEST_RESULT_ROW = ("test_case", "verdict", "checker_message", "cpu_ms", "wall_ms", "memory_kb")


class GradingResultInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = GradingResult
    fields = ("created_at", "verdict", "score", "test_revision", "duration_ms")
    readonly_fields = fields


@admin.register(CodeSubmission)
class CodeSubmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "candidate", "question", "purpose", "status", "delivery_count", "created_at")
    list_filter = ("status", "purpose", "attempt_question__attempt__organisation")
    list_select_related = ("attempt_question__attempt__invitation__candidate", "attempt_question__revision__question")
    search_fields = ("attempt_question__attempt__invitation__candidate__name", "last_error")
    date_hierarchy = "created_at"
    inlines = (GradingResultInline,)
    actions = ("requeue_failed",)

    @admin.display(description="candidate")
    def candidate(self, obj: CodeSubmission) -> str:
        return str(obj.attempt_question.attempt.invitation.candidate)

    @admin.action(description="Requeue the selected failed gradings")
    def requeue_failed(self, request: HttpRequest, queryset: QuerySet[CodeSubmission]) -> None:
        """The operators' way (every organisation's): filter by status "failed", select, requeue; recorded."""
        chosen = list(queryset)
        requeued = [s for s in chosen if submission_requeue(submission=s, by=request.user, reason="From the admin.")]
        skipped = len(chosen) - len(requeued)
        note = f"; {skipped} skipped (not failed)" if skipped else ""
        self.message_user(request, f"{len(requeued)} grading{'s' if len(requeued) != 1 else ''} requeued{note}.")

    @admin.display(description="question")
    def question(self, obj: CodeSubmission) -> str:
        return str(obj.attempt_question.revision)


class TestResultInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = TestResult
    fields = TEST_RESULT_ROW
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[TestResult]:
        return super().get_queryset(request).select_related("test_case")


@admin.register(GradingResult)
class GradingResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "submission", "candidate", "question", "verdict", "score", "duration_ms", "created_at")
    list_filter = ("verdict", "submission__purpose", "submission__attempt_question__attempt__organisation")
    list_select_related = (
        "submission__attempt_question__attempt__invitation__candidate",
        "submission__attempt_question__revision__question",
    )
    search_fields = ("submission__attempt_question__attempt__invitation__candidate__name", "test_revision")
    date_hierarchy = "created_at"
    inlines = (TestResultInline,)

    @admin.display(description="candidate")
    def candidate(self, obj: GradingResult) -> str:
        return str(obj.submission.attempt_question.attempt.invitation.candidate)

    @admin.display(description="question")
    def question(self, obj: GradingResult) -> str:
        return str(obj.submission.attempt_question.revision)


@admin.register(TestResult)
class TestResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("test_case", "result", "verdict", "cpu_ms", "wall_ms", "memory_kb")
    list_filter = ("verdict",)
    list_select_related = ("result", "test_case")
    search_fields = ("test_case__name",)


@admin.register(SpecValidation)
class SpecValidationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reference runs authors asked for on the question bank's pages (``grading.services.validation``)."""

    list_display = ("spec", "status", "requested_by", "duration_ms", "created_at", "finished_at")
    list_filter = ("status", "spec__revision__question__organisation")
    list_select_related = ("spec__revision__question", "requested_by")
    search_fields = ("spec__function_name", "spec__revision__question__title", "error")
    date_hierarchy = "created_at"


@admin.register(ScoreOverride)
class ScoreOverrideAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reviewers' overrides, made on the report or through the API; here for operators to see."""

    list_display = ("__str__", "attempt_question", "score", "graded_score", "created_by_label", "created_at")
    list_select_related = ("attempt_question__revision__question",)
    search_fields = ("reason", "created_by_label", "attempt_question__attempt__invitation__candidate__name")
    date_hierarchy = "created_at"


@admin.register(GradingRequest)
class GradingRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Re-grades and requeues with who asked, why, and what the grading that answered found."""

    list_display = ("__str__", "kind", "requested_by_label", "created_at", "completed_at", "image_pinned")
    list_filter = ("kind", "image_pinned")
    list_select_related = ("submission",)
    search_fields = ("reason", "requested_by_label", "note")
    date_hierarchy = "created_at"

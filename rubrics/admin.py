from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from assessments.admin.mixins import TIMESTAMPS, ReadOnlyAdminMixin, ReadOnlyInlineMixin
from rubrics.models import (
    MAX_LEVEL,
    Criterion,
    Level,
    Rating,
    Rubric,
    Scorecard,
    ScorecardAmendment,
    ScorecardStatus,
)

# A submitted scorecard changes only through an amendment (which keeps the previous content), never by hand here.
SCORECARD_CONTENT = ("organisation", "candidate", "stage", "interviewer", "recommendation", "key_takeaways", "notes")
# Set by the submit and amend flows.
SCORECARD_STATE = ("status", "submitted_at", "version")
RATING_CONTENT = ("criterion", "question", "score", "notes")


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("position", "name", "description", "weight")
    show_change_link = True  # levels are edited on the criterion's page


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "organisation", "kind", "criterion_count", "updated_at")
    list_filter = ("kind", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("title", "key")
    autocomplete_fields = ("organisation",)
    prepopulated_fields = {"key": ("title",)}
    readonly_fields = TIMESTAMPS
    inlines = (CriterionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rubric]:
        return super().get_queryset(request).annotate(criterion_count=Count("criteria"))

    @admin.display(description="criteria", ordering="criterion_count")
    def criterion_count(self, obj: Rubric) -> int:
        return obj.criterion_count  # type: ignore[attr-defined]


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0
    max_num = MAX_LEVEL
    fields = ("score", "label", "description")


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "rubric", "position", "weight", "level_count")
    list_filter = ("rubric__kind", "rubric__organisation")
    list_select_related = ("rubric",)
    search_fields = ("name", "rubric__title", "rubric__key")
    autocomplete_fields = ("rubric",)
    readonly_fields = TIMESTAMPS
    inlines = (LevelInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Criterion]:
        return super().get_queryset(request).annotate(level_count=Count("levels"))

    @admin.display(description="levels", ordering="level_count")
    def level_count(self, obj: Criterion) -> int:
        return obj.level_count  # type: ignore[attr-defined]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ("__str__", "criterion", "score", "label")
    list_filter = ("score", "criterion__rubric__organisation")
    list_select_related = ("criterion",)
    search_fields = ("label", "criterion__name", "criterion__rubric__title")
    autocomplete_fields = ("criterion",)
    readonly_fields = TIMESTAMPS


def _is_submitted(scorecard: Scorecard | None) -> bool:
    return scorecard is not None and scorecard.status == ScorecardStatus.SUBMITTED


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    fields = RATING_CONTENT
    autocomplete_fields = ("criterion", "question")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rating]:
        return super().get_queryset(request).select_related("criterion", "question")

    def get_readonly_fields(self, request: HttpRequest, obj: Scorecard | None = None) -> tuple[str, ...]:
        return RATING_CONTENT if _is_submitted(obj) else ()

    def has_add_permission(self, request: HttpRequest, obj: Scorecard | None = None) -> bool:
        return not _is_submitted(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Scorecard | None = None) -> bool:
        return not _is_submitted(obj) and super().has_delete_permission(request, obj)


class ScorecardAmendmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ScorecardAmendment
    fields = ("created_at", "author", "reason", "previous")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ScorecardAmendment]:
        return super().get_queryset(request).select_related("author")


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ("candidate", "stage", "interviewer", "status", "recommendation", "submitted_at", "organisation")
    list_filter = ("status", "recommendation", "organisation")
    list_select_related = ("candidate", "stage__loop", "interviewer", "organisation")
    search_fields = ("candidate__name", "candidate__email", "interviewer__username", "interviewer__email")
    autocomplete_fields = ("organisation", "candidate", "stage", "interviewer")
    readonly_fields = (*SCORECARD_STATE, *TIMESTAMPS)
    date_hierarchy = "created_at"
    inlines = (RatingInline, ScorecardAmendmentInline)

    def get_readonly_fields(self, request: HttpRequest, obj: Scorecard | None = None) -> tuple[str, ...]:
        if _is_submitted(obj):
            return (*SCORECARD_CONTENT, *self.readonly_fields)
        return tuple(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Scorecard | None = None) -> bool:
        return not _is_submitted(obj) and super().has_delete_permission(request, obj)


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("scorecard", "criterion", "question", "score")
    list_filter = ("score", "scorecard__status", "scorecard__organisation")
    list_select_related = ("scorecard__candidate", "scorecard__interviewer", "criterion", "question")
    search_fields = ("scorecard__candidate__name", "criterion__name", "question__title")
    autocomplete_fields = ("scorecard", "criterion", "question")
    readonly_fields = TIMESTAMPS

    def get_readonly_fields(self, request: HttpRequest, obj: Rating | None = None) -> tuple[str, ...]:
        if obj is not None and _is_submitted(obj.scorecard):
            return ("scorecard", *RATING_CONTENT, *self.readonly_fields)
        return tuple(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return not (obj is not None and _is_submitted(obj.scorecard)) and super().has_delete_permission(request, obj)


@admin.register(ScorecardAmendment)
class ScorecardAmendmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail of submitted scorecards: written by the amend flow only."""

    list_display = ("scorecard", "author", "created_at")
    list_select_related = ("scorecard__candidate", "scorecard__interviewer", "author")
    list_filter = ("scorecard__organisation",)
    search_fields = ("scorecard__candidate__name", "author__username", "reason")
    date_hierarchy = "created_at"

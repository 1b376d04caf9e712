from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from assessments.admin.mixins import TIMESTAMPS
from assessments.models import FocusQuestion, Loop, QuestionSet, Section, SectionItem, Stage, StageInterviewer


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("position", "title")
    show_change_link = True  # a section's questions are edited on its own page


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "organisation", "hidden_feedback", "section_count", "updated_at")
    list_filter = ("organisation", "hidden_feedback")
    list_select_related = ("organisation",)
    search_fields = ("title", "slug")
    autocomplete_fields = ("organisation",)
    prepopulated_fields = {"slug": ("title",)}
    # The hash identifies the file the set was imported from; editing it by hand would make it lie.
    readonly_fields = ("source_sha256", *TIMESTAMPS)
    inlines = (SectionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuestionSet]:
        return super().get_queryset(request).annotate(section_count=Count("sections"))

    @admin.display(description="sections", ordering="section_count")
    def section_count(self, obj: QuestionSet) -> int:
        return obj.section_count  # type: ignore[attr-defined]


class SectionItemInline(admin.TabularInline):
    model = SectionItem
    extra = 0
    fields = ("position", "question", "points")
    autocomplete_fields = ("question",)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "question_set", "position", "item_count")
    list_filter = ("question_set__organisation",)
    list_select_related = ("question_set",)
    search_fields = ("title", "question_set__title")
    autocomplete_fields = ("question_set",)
    readonly_fields = TIMESTAMPS
    inlines = (SectionItemInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Section]:
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="questions", ordering="item_count")
    def item_count(self, obj: Section) -> int:
        return obj.item_count  # type: ignore[attr-defined]


@admin.register(SectionItem)
class SectionItemAdmin(admin.ModelAdmin):
    list_display = ("question", "section", "position", "points")
    list_filter = ("section__question_set__organisation",)
    list_select_related = ("question", "section")
    search_fields = ("question__title", "question__key", "section__title", "section__question_set__title")
    autocomplete_fields = ("section", "question")
    readonly_fields = TIMESTAMPS


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ("position", "kind", "title", "question_set", "duration_minutes", "weight")
    autocomplete_fields = ("question_set",)
    show_change_link = True  # interviewers and focus questions are edited on the stage's page


@admin.register(Loop)
class LoopAdmin(admin.ModelAdmin):
    list_display = ("title", "role", "organisation", "stage_count", "is_archived", "updated_at")
    list_filter = ("organisation", "is_archived")
    list_select_related = ("organisation",)
    search_fields = ("title", "role")
    autocomplete_fields = ("organisation",)
    readonly_fields = TIMESTAMPS
    inlines = (StageInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Loop]:
        return super().get_queryset(request).annotate(stage_count=Count("stages"))

    @admin.display(description="stages", ordering="stage_count")
    def stage_count(self, obj: Loop) -> int:
        return obj.stage_count  # type: ignore[attr-defined]


class StageInterviewerInline(admin.TabularInline):
    model = StageInterviewer
    extra = 0
    fields = ("user",)
    autocomplete_fields = ("user",)


class FocusQuestionInline(admin.TabularInline):
    model = FocusQuestion
    extra = 0
    fields = ("position", "question", "interviewer")
    autocomplete_fields = ("question", "interviewer")


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("title", "loop", "position", "kind", "question_set", "duration_minutes", "weight")
    list_filter = ("kind", "loop__organisation")
    list_select_related = ("loop", "question_set")
    search_fields = ("title", "loop__title")
    autocomplete_fields = ("loop", "question_set")
    readonly_fields = TIMESTAMPS
    inlines = (StageInterviewerInline, FocusQuestionInline)


@admin.register(StageInterviewer)
class StageInterviewerAdmin(admin.ModelAdmin):
    list_display = ("user", "stage", "created_at")
    list_filter = ("stage__loop__organisation",)
    list_select_related = ("user", "stage__loop")
    search_fields = ("user__username", "user__email", "stage__title", "stage__loop__title")
    autocomplete_fields = ("stage", "user")
    readonly_fields = TIMESTAMPS


@admin.register(FocusQuestion)
class FocusQuestionAdmin(admin.ModelAdmin):
    list_display = ("question", "stage", "position", "interviewer")
    list_filter = ("stage__loop__organisation",)
    list_select_related = ("question", "stage__loop", "interviewer")
    search_fields = ("question__title", "stage__title", "stage__loop__title")
    autocomplete_fields = ("stage", "question", "interviewer")
    readonly_fields = TIMESTAMPS

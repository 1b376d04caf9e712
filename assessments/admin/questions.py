from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from assessments.admin.mixins import (
    CODE_TEXT,
    COMPACT_JSON,
    TIMESTAMPS,
    ReadOnlyInlineMixin,
    RecordsAuthorMixin,
    excerpt,
)
from assessments.models import CodingSpec, Question, QuestionRevision, TestCase
from assessments.services.coding import coding_spec_unpublish

# What an attempt pinned: once a revision is locked, an edit means a new revision, never a change to these.
REVISION_CONTENT = ("question", "number", "prompt", "rubric", "interviewer_notes")
SPEC_CONTENT = (
    "revision",
    "language",
    "function_name",
    "signature",
    "starter_code",
    "reference_solution",
    "custom_checker_source",
    "cpu_seconds",
    "wall_seconds",
    "memory_mb",
)
TEST_CASE_CONTENT = (
    "position",
    "name",
    "args",
    "expected",
    "expected_exception",
    "checker",
    "checker_options",
    "weight",
    "visibility",
)
UNPUBLISHED = "{} was published; this change unpublished it until its reference passes every test again (Validate)."


def unpublish_after_edit(request: HttpRequest, spec: CodingSpec) -> None:
    """An edit of a spec, its tests or its checker takes it out of publication, as on the bank's pages."""
    if coding_spec_unpublish(spec=spec):
        messages.warning(request, UNPUBLISHED.format(spec))


class QuestionRevisionInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Revision history; each revision is edited (or, once locked, viewed) on its own page."""

    model = QuestionRevision
    fields = ("number", "prompt_excerpt", "rubric", "is_locked", "created_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuestionRevision]:
        return super().get_queryset(request).select_related("rubric")

    @admin.display(description="prompt")
    def prompt_excerpt(self, obj: QuestionRevision) -> str:
        return excerpt(obj.prompt)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "organisation", "kind", "difficulty", "revision_count", "is_archived", "updated_at")
    list_filter = ("organisation", "kind", "difficulty", "is_archived")
    list_select_related = ("organisation",)
    search_fields = ("title", "key")
    autocomplete_fields = ("organisation",)
    prepopulated_fields = {"key": ("title",)}
    readonly_fields = ("add_revision_link", *TIMESTAMPS)
    inlines = (QuestionRevisionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).annotate(revision_count=Count("revisions"))

    @admin.display(description="revisions", ordering="revision_count")
    def revision_count(self, obj: Question) -> int:
        return obj.revision_count  # type: ignore[attr-defined]

    @admin.display(description="new revision")
    def add_revision_link(self, obj: Question) -> str:
        if obj.pk is None:
            return "Save the question first."
        url = reverse("admin:assessments_questionrevision_add")
        return format_html('<a href="{}?question={}">Add a revision</a>', url, obj.pk)


@admin.register(QuestionRevision)
class QuestionRevisionAdmin(RecordsAuthorMixin, admin.ModelAdmin):
    list_display = ("__str__", "organisation", "number", "rubric", "is_locked", "created_by", "created_at")
    list_filter = ("is_locked", "question__kind", "question__organisation")
    list_select_related = ("question__organisation", "rubric", "created_by")
    search_fields = ("question__title", "question__key")
    autocomplete_fields = ("question", "rubric")
    readonly_fields = ("is_locked", "coding_spec_link", "created_by", *TIMESTAMPS)
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: QuestionRevision | None = None) -> tuple[str, ...]:
        if obj is not None and obj.is_locked:
            return (*REVISION_CONTENT, *self.readonly_fields)
        if obj is not None:  # a revision never moves to another question
            return ("question", *self.readonly_fields)
        return tuple(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: QuestionRevision | None = None) -> bool:
        return not (obj is not None and obj.is_locked) and super().has_delete_permission(request, obj)

    @admin.display(description="organisation", ordering="question__organisation__name")
    def organisation(self, obj: QuestionRevision) -> str:
        return str(obj.question.organisation)

    @admin.display(description="coding spec")
    def coding_spec_link(self, obj: QuestionRevision) -> str:
        spec = CodingSpec.objects.filter(revision=obj).first() if obj.pk else None
        if spec is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:assessments_codingspec_change", args=[spec.pk]), spec)


class TestCaseInline(admin.TabularInline):
    model = TestCase
    extra = 0
    fields = TEST_CASE_CONTENT
    formfield_overrides = COMPACT_JSON

    def get_readonly_fields(self, request: HttpRequest, obj: CodingSpec | None = None) -> tuple[str, ...]:
        return TEST_CASE_CONTENT if obj is not None and obj.revision.is_locked else ()

    def has_add_permission(self, request: HttpRequest, obj: CodingSpec | None = None) -> bool:
        return not (obj is not None and obj.revision.is_locked) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: CodingSpec | None = None) -> bool:
        return not (obj is not None and obj.revision.is_locked) and super().has_delete_permission(request, obj)


@admin.register(CodingSpec)
class CodingSpecAdmin(admin.ModelAdmin):
    list_display = ("function_name", "revision", "language", "test_count", "is_locked", "published_at")
    list_filter = ("language", "revision__is_locked", "revision__question__organisation")
    list_select_related = ("revision__question",)
    search_fields = ("function_name", "revision__question__title", "revision__question__key")
    autocomplete_fields = ("revision",)
    # published_at is set by the sandbox check of the reference solution, not by hand.
    readonly_fields = ("published_at", *TIMESTAMPS)
    inlines = (TestCaseInline,)
    formfield_overrides = CODE_TEXT

    def get_queryset(self, request: HttpRequest) -> QuerySet[CodingSpec]:
        return super().get_queryset(request).annotate(test_count=Count("test_cases"))

    def get_readonly_fields(self, request: HttpRequest, obj: CodingSpec | None = None) -> tuple[str, ...]:
        if obj is not None and obj.revision.is_locked:
            return (*SPEC_CONTENT, *self.readonly_fields)
        if obj is not None:  # a spec never moves to another revision
            return ("revision", *self.readonly_fields)
        return tuple(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: CodingSpec | None = None) -> bool:
        return not (obj is not None and obj.revision.is_locked) and super().has_delete_permission(request, obj)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[BaseInlineFormSet], change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        if change and (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            unpublish_after_edit(request, form.instance)

    @admin.display(description="tests", ordering="test_count")
    def test_count(self, obj: CodingSpec) -> int:
        return obj.test_count  # type: ignore[attr-defined]

    @admin.display(description="locked", boolean=True, ordering="revision__is_locked")
    def is_locked(self, obj: CodingSpec) -> bool:
        return obj.revision.is_locked


@admin.register(TestCase)
class TestCaseAdmin(admin.ModelAdmin):
    list_display = ("name", "spec", "position", "visibility", "checker", "weight")
    list_filter = ("visibility", "checker", "spec__revision__is_locked")
    list_select_related = ("spec__revision__question",)
    search_fields = ("name", "spec__function_name", "spec__revision__question__title")
    autocomplete_fields = ("spec",)
    readonly_fields = TIMESTAMPS

    def save_model(self, request: HttpRequest, obj: TestCase, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change or form.has_changed():
            unpublish_after_edit(request, obj.spec)

    def delete_model(self, request: HttpRequest, obj: TestCase) -> None:
        super().delete_model(request, obj)
        unpublish_after_edit(request, obj.spec)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TestCase]) -> None:
        specs = list(CodingSpec.objects.filter(test_cases__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for spec in specs:
            unpublish_after_edit(request, spec)

    def get_readonly_fields(self, request: HttpRequest, obj: TestCase | None = None) -> tuple[str, ...]:
        if obj is not None and obj.spec.revision.is_locked:
            return ("spec", *TEST_CASE_CONTENT, *self.readonly_fields)
        return tuple(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: TestCase | None = None) -> bool:
        return not (obj is not None and obj.spec.revision.is_locked) and super().has_delete_permission(request, obj)

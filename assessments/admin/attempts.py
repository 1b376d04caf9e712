from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from assessments.admin.mixins import TIMESTAMPS, ReadOnlyAdminMixin, ReadOnlyInlineMixin, RecordsAuthorMixin
from assessments.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    Decision,
    IntegrityEvent,
    Invitation,
    StageKind,
)

# Once the candidate has started, the attempt was built from these; changing them would misdescribe it.
INVITATION_STARTED_FIELDS = ("organisation", "candidate", "question_set", "stage", "duration_minutes")


class InvitationAdminForm(forms.ModelForm):
    """Here too every invitation belongs to a loop's assessment stage of its organisation, on the stage's set."""

    class Meta:
        model = Invitation
        fields = (
            "organisation",
            "candidate",
            "question_set",
            "stage",
            "opens_at",
            "expires_at",
            "duration_minutes",
            "revoked_at",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "question_set" in self.fields:
            self.fields["question_set"].required = False
            self.fields["question_set"].help_text = "Set from the stage."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "stage" not in self.fields:  # started: the stage is read-only, as it was
            return data
        stage, organisation = data.get("stage"), data.get("organisation")
        if stage is None or stage.kind != StageKind.ASSESSMENT:
            raise forms.ValidationError({"stage": "Choose a loop's timed assessment stage."})
        if organisation is not None and stage.loop.organisation_id != organisation.pk:
            raise forms.ValidationError({"stage": "The stage must be of the invitation's organisation."})
        data["question_set"] = stage.question_set  # the stage's, whatever was chosen
        self.instance.question_set = stage.question_set
        return data


@admin.register(Invitation)
class InvitationAdmin(RecordsAuthorMixin, admin.ModelAdmin):
    form = InvitationAdminForm
    list_display = (
        "candidate",
        "question_set",
        "organisation",
        "opens_at",
        "expires_at",
        "duration_minutes",
        "revoked_at",
        "attempt_status",
    )
    list_filter = ("organisation", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("candidate", "question_set", "organisation", "attempt")
    search_fields = ("candidate__name", "candidate__email", "question_set__title")
    autocomplete_fields = ("organisation", "candidate", "question_set", "stage")
    # The token is the candidate's credential: generated, shown for support, never typed in.
    readonly_fields = ("token", "created_by", *TIMESTAMPS)
    date_hierarchy = "opens_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Invitation | None = None) -> tuple[str, ...]:
        if obj is not None and Attempt.objects.filter(invitation=obj).exists():
            return (*INVITATION_STARTED_FIELDS, *self.readonly_fields)
        return tuple(self.readonly_fields)

    @admin.display(description="attempt", ordering="attempt__status")
    def attempt_status(self, obj: Invitation) -> str:
        attempt = getattr(obj, "attempt", None)  # reverse one-to-one: absent until the candidate starts
        return attempt.get_status_display() if attempt is not None else "not started"


class AttemptQuestionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = AttemptQuestion
    fields = ("position", "section_title", "revision", "points")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[AttemptQuestion]:
        return super().get_queryset(request).select_related("revision__question")


class IntegrityEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = IntegrityEvent
    fields = ("occurred_at", "received_at", "kind", "question", "data")
    readonly_fields = fields
    show_change_link = False  # every field is already on the row

    def get_queryset(self, request: HttpRequest) -> QuerySet[IntegrityEvent]:
        return super().get_queryset(request).select_related("attempt_question__revision__question")

    @admin.display(description="question")
    def question(self, obj: IntegrityEvent) -> str:
        return str(obj.attempt_question.revision) if obj.attempt_question else "—"


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "candidate",
        "question_set",
        "organisation",
        "status",
        "started_at",
        "deadline",
        "submitted_at",
        "finalised_by_deadline",
        "integrity_event_count",
    )
    list_filter = ("status", "finalised_by_deadline", "organisation")
    list_select_related = ("organisation", "invitation__candidate", "invitation__question_set")
    search_fields = ("invitation__candidate__name", "invitation__candidate__email")
    date_hierarchy = "started_at"
    inlines = (AttemptQuestionInline, IntegrityEventInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attempt]:
        return super().get_queryset(request).annotate(integrity_event_count=Count("integrity_events"))

    @admin.display(description="candidate", ordering="invitation__candidate__name")
    def candidate(self, obj: Attempt) -> str:
        return str(obj.invitation.candidate)

    @admin.display(description="question set", ordering="invitation__question_set__title")
    def question_set(self, obj: Attempt) -> str:
        return str(obj.invitation.question_set)

    @admin.display(description="integrity events", ordering="integrity_event_count")
    def integrity_event_count(self, obj: Attempt) -> int:
        return obj.integrity_event_count  # type: ignore[attr-defined]


@admin.register(AttemptQuestion)
class AttemptQuestionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("attempt", "position", "revision", "section_title", "points")
    list_filter = ("attempt__organisation",)
    list_select_related = ("attempt", "revision__question")
    search_fields = ("attempt__invitation__candidate__name", "revision__question__title")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "candidate", "question", "version", "updated_at")
    list_filter = ("attempt_question__attempt__organisation",)
    list_select_related = ("attempt_question__attempt__invitation__candidate", "attempt_question__revision__question")
    search_fields = ("attempt_question__attempt__invitation__candidate__name",)

    @admin.display(description="candidate")
    def candidate(self, obj: Answer) -> str:
        return str(obj.attempt_question.attempt.invitation.candidate)

    @admin.display(description="question")
    def question(self, obj: Answer) -> str:
        return str(obj.attempt_question.revision)


@admin.register(IntegrityEvent)
class IntegrityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Evidence for reviewers: recorded by the candidate's browser, never written or edited here."""

    list_display = ("occurred_at", "received_at", "kind", "attempt", "candidate", "question")
    list_filter = ("kind", "attempt__organisation")
    list_select_related = ("attempt__invitation__candidate", "attempt_question__revision__question")
    search_fields = ("attempt__invitation__candidate__name", "attempt__invitation__candidate__email")
    date_hierarchy = "occurred_at"

    @admin.display(description="candidate")
    def candidate(self, obj: IntegrityEvent) -> str:
        return str(obj.attempt.invitation.candidate)

    @admin.display(description="question")
    def question(self, obj: IntegrityEvent) -> str:
        return str(obj.attempt_question.revision) if obj.attempt_question else "—"


@admin.register(Decision)
class DecisionAdmin(RecordsAuthorMixin, admin.ModelAdmin):
    author_field = "decided_by"
    list_display = ("candidate", "loop", "outcome", "decided_by", "organisation", "created_at")
    list_filter = ("outcome", "organisation")
    list_select_related = ("candidate", "loop", "decided_by", "organisation")
    search_fields = ("candidate__name", "candidate__email", "loop__title")
    autocomplete_fields = ("organisation", "candidate", "loop")
    readonly_fields = ("decided_by", *TIMESTAMPS)
    date_hierarchy = "created_at"

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from assessments.admin.mixins import TIMESTAMPS, ReadOnlyInlineMixin
from assessments.models import Candidate, Invitation


class CandidateInvitationInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Invitation
    fields = ("question_set", "stage", "opens_at", "expires_at", "revoked_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invitation]:
        return super().get_queryset(request).select_related("question_set", "stage__loop")


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "organisation", "external_id", "created_at")
    list_filter = ("organisation",)
    list_select_related = ("organisation",)
    search_fields = ("name", "email", "external_id")
    autocomplete_fields = ("organisation",)
    readonly_fields = TIMESTAMPS
    date_hierarchy = "created_at"
    inlines = (CandidateInvitationInline,)

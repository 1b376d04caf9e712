from django.contrib import admin

from assessments.admin.mixins import TIMESTAMPS, ReadOnlyAdminMixin
from assessments.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Markdown imports run by a worker: what came of each (the document itself is left out: up to 500,000 chars)."""

    list_display = ("__str__", "organisation", "status", "question_set", "deliveries", "created_at", "finished_at")
    list_filter = ("status", "organisation")
    list_select_related = ("organisation", "question_set")
    search_fields = ("slug", "title", "question_set__title")
    exclude = ("source",)
    readonly_fields = TIMESTAMPS

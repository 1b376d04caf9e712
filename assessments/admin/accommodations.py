"""Extra time granted (an audit trail): viewable by operators, never made or edited here."""

from django.contrib import admin

from assessments.admin.mixins import ReadOnlyAdminMixin
from assessments.models import Accommodation


@admin.register(Accommodation)
class AccommodationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "candidate", "organisation", "kind", "minutes", "granted_by_label", "created_at")
    list_filter = ("kind", "organisation")
    list_select_related = ("organisation", "invitation__candidate")
    search_fields = ("invitation__candidate__name", "reason", "granted_by_label")
    date_hierarchy = "created_at"

    @admin.display(description="candidate", ordering="invitation__candidate__name")
    def candidate(self, obj: Accommodation) -> str:
        return str(obj.invitation.candidate)

"""Django admin for organisations, memberships and colleague invites (the platform operator's; organisation admins
use the product's /manage/people/)."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from organisations.models import ColleagueInvite, Membership, Organisation

# BaseModel's auto_now/auto_now_add stamps: shown, never edited.
TIMESTAMPS = ("created_at", "updated_at")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "deactivated_at")
    readonly_fields = ("deactivated_at",)
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "member_count", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = TIMESTAMPS
    inlines = (MembershipInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj: Organisation) -> int:
        return obj.member_count  # type: ignore[attr-defined]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "deactivated_at", "created_at")
    list_filter = ("role", "organisation", ("deactivated_at", admin.EmptyFieldListFilter))
    list_select_related = ("user", "organisation")
    search_fields = ("user__username", "user__email", "organisation__name")
    autocomplete_fields = ("organisation", "user")
    readonly_fields = ("deactivated_at", *TIMESTAMPS)


@admin.register(ColleagueInvite)
class ColleagueInviteAdmin(admin.ModelAdmin):
    """View-only: a link's token is shown once, to the admin who makes it on /manage/people/."""

    list_display = ("email", "name", "organisation", "role", "expires_at", "used_at", "revoked_at")
    list_filter = ("role", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("email", "name", "organisation__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ColleagueInvite | None = None) -> bool:
        return False

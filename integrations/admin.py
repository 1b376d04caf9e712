"""Webhook endpoints are configured here; events, deliveries and their tries are the delivery log. API keys."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from assessments.admin.mixins import ReadOnlyAdminMixin, ReadOnlyInlineMixin, excerpt
from common.exceptions import ConflictError
from integrations.ids import new_webhook_secret
from integrations.models import (
    ApiKey,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from integrations.services import delivery_replay
from integrations.services.api_keys import api_key_issue, api_key_revoke
from integrations.services.endpoints import secret_overlap_ends_at


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https", help_text="Receives a POST per event.")
    events = forms.MultipleChoiceField(choices=WebhookEventType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ("organisation", "url", "description", "events", "is_active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "organisation", "event_list", "is_active", "deliveries_link", "created_at")
    list_filter = ("is_active", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("url", "description")
    readonly_fields = ("secret_hint", "previous_secret_overlap", "created_at", "updated_at")

    def get_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> tuple[str, ...]:
        fields = ("organisation", "url", "description", "events", "is_active")
        return (
            fields if obj is None else (*fields, "secret_hint", "previous_secret_overlap", "created_at", "updated_at")
        )

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool) -> None:
        if not change:
            obj.secret = new_webhook_secret()
        super().save_model(request, obj, form, change)
        if not change:
            messages.warning(
                request,
                f"Signing secret for {obj.url} — copy it into the receiver now; it is not shown again: {obj.secret}",
            )

    @admin.display(description="events")
    def event_list(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.events)

    @admin.display(description="signing secret")
    def secret_hint(self, obj: WebhookEndpoint) -> str:
        return obj.secret_hint

    @admin.display(description="previous secret (after a rotation)")
    def previous_secret_overlap(self, obj: WebhookEndpoint) -> str:
        """Its first characters only, like the current one's, and until when it signs too."""
        ends_at = secret_overlap_ends_at(obj)
        return f"{obj.previous_secret_hint} signs too until {ends_at:%Y-%m-%d %H:%M} UTC" if ends_at else "—"

    @admin.display(description="deliveries")
    def deliveries_link(self, obj: WebhookEndpoint) -> str:
        url = reverse("admin:integrations_webhookdelivery_changelist") + f"?endpoint__id__exact={obj.pk}"
        return format_html('<a href="{}">delivery log</a>', url)


class WebhookDeliveryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = WebhookDelivery
    fields = ("endpoint", "status", "attempt_count", "last_status_code", "next_attempt_at", "delivered_at")
    readonly_fields = fields


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "type", "organisation", "created_at")
    list_filter = ("type", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("id",)
    date_hierarchy = "created_at"
    inlines = (WebhookDeliveryInline,)


class WebhookDeliveryAttemptInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = WebhookDeliveryAttempt
    fields = ("number", "attempted_at", "status_code", "outcome", "duration_ms", "error", "response_excerpt")
    readonly_fields = fields
    show_change_link = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "event",
        "event_type",
        "endpoint",
        "status",
        "attempt_count",
        "last_status_code",
        "next_attempt_at",
        "updated_at",
    )
    list_filter = ("status", "event__type", "endpoint__organisation", "endpoint")
    list_select_related = ("event", "endpoint")
    search_fields = ("event__id", "endpoint__url")
    date_hierarchy = "created_at"
    inlines = (WebhookDeliveryAttemptInline,)
    actions = ("replay",)

    @admin.display(description="type", ordering="event__type")
    def event_type(self, obj: WebhookDelivery) -> str:
        return obj.event.type

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("integrations.change_webhookdelivery")

    @admin.action(description="Replay selected deliveries (same webhook-id)", permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        replayed, refused = 0, []
        for delivery in queryset:
            try:
                delivery_replay(delivery=delivery)
                replayed += 1
            except ConflictError as exc:
                refused.append(f"{delivery}: {exc.message}")
        if replayed:
            self.message_user(request, f"{replayed} deliveries queued for replay.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)


@admin.register(WebhookDeliveryAttempt)
class WebhookDeliveryAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("delivery", "number", "attempted_at", "status_code", "outcome", "duration_ms", "short_error")
    list_filter = ("outcome", "status_code")
    list_select_related = ("delivery",)
    date_hierarchy = "attempted_at"

    @admin.display(description="error")
    def short_error(self, obj: WebhookDeliveryAttempt) -> str:
        return excerpt(obj.error)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Adding a key shows it once; afterwards only its prefix. Keys are revoked, never edited into new ones."""

    list_display = ("name", "display_prefix", "organisation", "scope", "created_by", "last_used_at", "revoked_at")
    list_filter = ("scope", "organisation", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("organisation", "created_by")
    search_fields = ("name", "prefix")
    actions = ("revoke",)

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        fields = ("organisation", "name", "scope")
        return (
            fields
            if obj is None
            else (*fields, "display_prefix", "created_by", "created_at", "last_used_at", "revoked_at")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("organisation", "scope", "display_prefix", "created_by", "created_at", "last_used_at", "revoked_at")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.created_by = request.user if request.user.is_authenticated else None
        plaintext = api_key_issue(api_key=obj)
        messages.warning(request, f"API key for {obj.name} — copy it now; it is not shown again: {plaintext}")

    @admin.display(description="key")
    def display_prefix(self, obj: ApiKey) -> str:
        return obj.display_prefix

    @admin.action(description="Revoke selected API keys", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        revoked = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(api_key=api_key)
            revoked += 1
        self.message_user(request, f"{revoked} API keys revoked.", messages.SUCCESS)

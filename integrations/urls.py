"""The organisation admins' integration pages under /manage/integrations/: API keys, webhooks, deliveries."""

from django.urls import path

from integrations.views import api_keys, deliveries, webhooks

urlpatterns = [
    path("", api_keys.integrations_index_view, name="manage-integrations"),
    path("api-keys/", api_keys.api_keys_view, name="manage-api-keys"),
    path("api-keys/<int:pk>/revoke/", api_keys.api_key_revoke_view, name="manage-api-key-revoke"),
    path("webhooks/", webhooks.webhook_endpoints_view, name="manage-webhooks"),
    path("webhooks/new/", webhooks.webhook_endpoint_new_view, name="manage-webhook-new"),
    path("webhooks/<int:pk>/", webhooks.webhook_endpoint_edit_view, name="manage-webhook-edit"),
    path(
        "webhooks/<int:pk>/rotate-secret/",
        webhooks.webhook_endpoint_rotate_view,
        name="manage-webhook-rotate-secret",
    ),
    path(
        "webhooks/<int:pk>/end-overlap/",
        webhooks.webhook_endpoint_end_overlap_view,
        name="manage-webhook-end-overlap",
    ),
    path(
        "webhooks/<int:pk>/deactivate/",
        webhooks.webhook_endpoint_deactivate_view,
        name="manage-webhook-deactivate",
    ),
    path(
        "webhooks/<int:pk>/deliveries/",
        deliveries.webhook_deliveries_view,
        name="manage-webhook-endpoint-deliveries",
    ),
    path("deliveries/", deliveries.webhook_deliveries_view, name="manage-webhook-deliveries"),
    path("deliveries/<int:pk>/", deliveries.webhook_delivery_view, name="manage-webhook-delivery"),
    path(
        "deliveries/<int:pk>/replay/",
        deliveries.webhook_delivery_replay_view,
        name="manage-webhook-delivery-replay",
    ),
]

from django.urls import path

from integrations.views import api_keys as web_views
from integrations.views import webhooks as web_webhook_views

urlpatterns = [
    path("", web_views.integrations_index_view, name="manage-integrations"),
    path("api-keys/", web_views.api_keys_view, name="manage-api-keys"),
    path("api-keys/<int:pk>/revoke/", web_views.api_key_revoke_view, name="manage-api-key-revoke"),
    path("webhooks/", web_webhook_views.webhook_endpoints_view, name="manage-webhooks"),
    path("webhooks/new/", web_webhook_views.webhook_endpoint_new_view, name="manage-webhook-new"),
    path("webhooks/<int:pk>/", web_webhook_views.webhook_endpoint_edit_view, name="manage-webhook-edit"),
    path(
        "webhooks/<int:pk>/rotate-secret/",
        web_webhook_views.webhook_endpoint_rotate_view,
        name="manage-webhook-rotate-secret",
    ),
    path(
        "webhooks/<int:pk>/end-overlap/",
        web_webhook_views.webhook_endpoint_end_overlap_view,
        name="manage-webhook-end-overlap",
    ),
    path(
        "webhooks/<int:pk>/deactivate/",
        web_webhook_views.webhook_endpoint_deactivate_view,
        name="manage-webhook-deactivate",
    ),
    path(
        "webhooks/<int:pk>/deliveries/",
        web_webhook_views.webhook_deliveries_view,
        name="manage-webhook-endpoint-deliveries",
    ),
    path("deliveries/", web_webhook_views.webhook_deliveries_view, name="manage-webhook-deliveries"),
    path("deliveries/<int:pk>/", web_webhook_views.webhook_delivery_view, name="manage-webhook-delivery"),
    path(
        "deliveries/<int:pk>/replay/",
        web_webhook_views.webhook_delivery_replay_view,
        name="manage-webhook-delivery-replay",
    ),
]

"""Organisation-scoped reads of API keys, webhook endpoints and the delivery log (for the admins' pages).

Another organisation's object and a missing one look the same: ``get`` raises ``Http404`` for both.
"""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from integrations.models import (
    ApiKey,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from organisations.models import Organisation


def api_key_list(*, organisation: Organisation) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(organisation=organisation).select_related("created_by").order_by("-created_at", "-pk")


def api_key_get(*, organisation: Organisation, pk: int) -> ApiKey:
    return get_object_or_404(api_key_list(organisation=organisation), pk=pk)


def webhook_endpoint_list(*, organisation: Organisation) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organisation=organisation).order_by("url", "pk")


def webhook_endpoint_list_with_failures(*, organisation: Organisation) -> QuerySet[WebhookEndpoint]:
    """The endpoints, each with ``failed_count``: its deliveries that gave up."""
    failed = Count("deliveries", filter=Q(deliveries__status=WebhookDeliveryStatus.FAILED))
    return webhook_endpoint_list(organisation=organisation).annotate(failed_count=failed)


def webhook_endpoint_get(*, organisation: Organisation, pk: int) -> WebhookEndpoint:
    return get_object_or_404(webhook_endpoint_list(organisation=organisation), pk=pk)


def webhook_delivery_list(
    *, organisation: Organisation, endpoint: WebhookEndpoint | None = None, status: str = ""
) -> QuerySet[WebhookDelivery]:
    """Newest first, with the event and endpoint joined in: one query per page, however long the log."""
    deliveries = WebhookDelivery.objects.filter(endpoint__organisation=organisation)
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.select_related("event", "endpoint").order_by("-created_at", "-pk")


def webhook_delivery_get(*, organisation: Organisation, pk: int) -> WebhookDelivery:
    return get_object_or_404(webhook_delivery_list(organisation=organisation), pk=pk)


def webhook_delivery_attempts(*, delivery: WebhookDelivery) -> QuerySet[WebhookDeliveryAttempt]:
    return WebhookDeliveryAttempt.objects.filter(delivery=delivery).order_by("-number")

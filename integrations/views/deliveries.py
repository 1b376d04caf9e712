"""Organisation admins' delivery log: every delivery newest first, one delivery with its tries, and a replay."""

import json

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from common.exceptions import ApplicationError
from integrations import selectors
from integrations.models import WebhookDeliveryStatus
from integrations.services import delivery_replay
from integrations.views.base import page_context, redirect_to
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import ADMIN_ROLES

DELIVERIES_PER_PAGE = 50


@organisation_page(roles=ADMIN_ROLES)
def webhook_deliveries_view(request: HttpRequest, membership: Membership, pk: int | None = None) -> HttpResponse:
    """The delivery log, newest first: of the organisation, or of one endpoint (``pk``). Two queries a page."""
    organisation = membership.organisation
    endpoint = None if pk is None else selectors.webhook_endpoint_get(organisation=organisation, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in WebhookDeliveryStatus.values else ""
    deliveries = selectors.webhook_delivery_list(organisation=organisation, endpoint=endpoint, status=status)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    filters = [
        {"label": label, "url": organisation_query(request, status=value), "active": value == status}
        for value, label in (("", "All"), *WebhookDeliveryStatus.choices)
    ]
    context = page_context(request, membership, endpoint=endpoint, deliveries=page, filters=filters, page="deliveries")
    context["page_urls"] = _page_urls(request, page, status)
    return render(request, "integrations/webhook_deliveries.html", context)


def _page_urls(request: HttpRequest, page: Page, status: str) -> dict[str, str]:
    urls = {}
    if page.has_previous():
        urls["previous"] = organisation_query(request, status=status, page=page.previous_page_number())
    if page.has_next():
        urls["next"] = organisation_query(request, status=status, page=page.next_page_number())
    return urls


@organisation_page(roles=ADMIN_ROLES)
def webhook_delivery_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    delivery = selectors.webhook_delivery_get(organisation=membership.organisation, pk=pk)
    attempts = selectors.webhook_delivery_attempts(delivery=delivery)
    payload = json.dumps(delivery.event.payload, indent=2, sort_keys=True)
    context = page_context(
        request, membership, delivery=delivery, attempts=attempts, payload=payload, page="deliveries"
    )
    return render(request, "integrations/webhook_delivery.html", context)


@organisation_page(roles=ADMIN_ROLES)
@require_POST
def webhook_delivery_replay_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    delivery = selectors.webhook_delivery_get(organisation=membership.organisation, pk=pk)
    try:
        delivery_replay(delivery=delivery)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Delivery of {delivery.event_id} queued again (same webhook-id).")
    return redirect_to(request, "manage-webhook-delivery", delivery.pk)

"""Organisation admins' webhook pages: endpoints (create, edit, rotate the secret, deactivate) and the delivery log."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from assessments.models import Membership
from common.exceptions import ApplicationError
from integrations import selectors
from integrations.forms import WebhookEndpointForm, add_service_errors
from integrations.models import WebhookDeliveryStatus, WebhookEndpoint
from integrations.services import delivery_replay, webhook_endpoint_create
from integrations.services.endpoints import (
    webhook_endpoint_deactivate,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)
from integrations.web_views import admin_membership, org_query, page_context, redirect_to

DELIVERIES_PER_PAGE = 50


@login_required
def webhook_endpoints_view(request: HttpRequest) -> HttpResponse:
    membership = admin_membership(request)
    failed = Count("deliveries", filter=Q(deliveries__status=WebhookDeliveryStatus.FAILED))
    endpoints = selectors.webhook_endpoint_list(organisation=membership.organisation).annotate(failed_count=failed)
    context = page_context(request, membership, endpoints=endpoints, page="webhooks")
    return render(request, "integrations/webhook_endpoints.html", context)


def _secret_page(
    request: HttpRequest, membership: Membership, endpoint: WebhookEndpoint, created: bool
) -> HttpResponse:
    context = page_context(request, membership, endpoint=endpoint, created=created)
    return render(request, "integrations/webhook_secret.html", context)


def _endpoint_form_page(
    request: HttpRequest, membership: Membership, form: WebhookEndpointForm, endpoint: WebhookEndpoint | None
) -> HttpResponse:
    context = page_context(request, membership, form=form, endpoint=endpoint, page="webhooks")
    return render(request, "integrations/webhook_endpoint_form.html", context, status=400 if form.errors else 200)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def webhook_endpoint_new_view(request: HttpRequest) -> HttpResponse:
    membership = admin_membership(request)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhook_endpoint_create(organisation=membership.organisation, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _secret_page(request, membership, endpoint, created=True)
    return _endpoint_form_page(request, membership, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_endpoint_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = admin_membership(request)
    endpoint = selectors.webhook_endpoint_get(organisation=membership.organisation, pk=pk)
    if request.method == "GET":
        return _endpoint_form_page(request, membership, WebhookEndpointForm.for_endpoint(endpoint), endpoint)
    form = WebhookEndpointForm(request.POST)
    if form.is_valid():
        try:
            webhook_endpoint_update(endpoint=endpoint, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            endpoint.refresh_from_db()  # the page shows what is saved, not the rejected values
        else:
            messages.success(request, f"Endpoint {endpoint.url} saved.")
            return redirect_to(request, "manage-webhook-edit", endpoint.pk)
    return _endpoint_form_page(request, membership, form, endpoint)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def webhook_endpoint_rotate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST issues a new secret and shows it once."""
    membership = admin_membership(request)
    endpoint = selectors.webhook_endpoint_get(organisation=membership.organisation, pk=pk)
    if request.method == "POST":
        return _secret_page(request, membership, webhook_endpoint_secret_rotate(endpoint=endpoint), created=False)
    return render(request, "integrations/webhook_rotate.html", page_context(request, membership, endpoint=endpoint))


@login_required
@require_POST
def webhook_endpoint_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = admin_membership(request)
    endpoint = selectors.webhook_endpoint_get(organisation=membership.organisation, pk=pk)
    webhook_endpoint_deactivate(endpoint=endpoint)
    messages.success(request, f"Endpoint {endpoint.url} deactivated: it gets no new events; queued ones wait.")
    return redirect_to(request, "manage-webhook-edit", endpoint.pk)


@login_required
def webhook_deliveries_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The delivery log, newest first: of the organisation, or of one endpoint (``pk``). Two queries a page."""
    membership = admin_membership(request)
    organisation = membership.organisation
    endpoint = None if pk is None else selectors.webhook_endpoint_get(organisation=organisation, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in WebhookDeliveryStatus.values else ""
    deliveries = selectors.webhook_delivery_list(organisation=organisation, endpoint=endpoint, status=status)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    filters = [
        {"label": label, "url": org_query(request, status=value), "active": value == status}
        for value, label in (("", "All"), *WebhookDeliveryStatus.choices)
    ]
    context = page_context(request, membership, endpoint=endpoint, deliveries=page, filters=filters, page="deliveries")
    context["page_urls"] = _page_urls(request, page, status)
    return render(request, "integrations/webhook_deliveries.html", context)


def _page_urls(request: HttpRequest, page: Page, status: str) -> dict[str, str]:
    urls = {}
    if page.has_previous():
        urls["previous"] = org_query(request, status=status, page=page.previous_page_number())
    if page.has_next():
        urls["next"] = org_query(request, status=status, page=page.next_page_number())
    return urls


@login_required
def webhook_delivery_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = admin_membership(request)
    delivery = selectors.webhook_delivery_get(organisation=membership.organisation, pk=pk)
    attempts = selectors.webhook_delivery_attempts(delivery=delivery)
    payload = json.dumps(delivery.event.payload, indent=2, sort_keys=True)
    context = page_context(
        request, membership, delivery=delivery, attempts=attempts, payload=payload, page="deliveries"
    )
    return render(request, "integrations/webhook_delivery.html", context)


@login_required
@require_POST
def webhook_delivery_replay_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = admin_membership(request)
    delivery = selectors.webhook_delivery_get(organisation=membership.organisation, pk=pk)
    try:
        delivery_replay(delivery=delivery)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Delivery of {delivery.event_id} queued again (same webhook-id).")
    return redirect_to(request, "manage-webhook-delivery", delivery.pk)

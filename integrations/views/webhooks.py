"""Organisation admins' webhook endpoint pages: create, edit, rotate the secret, end its overlap, deactivate."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from integrations import selectors
from integrations.forms import SubmitOnceForm, WebhookEndpointCreateForm, WebhookEndpointForm, add_service_errors
from integrations.models import WebhookEndpoint
from integrations.services import webhook_endpoint_create
from integrations.services.endpoints import (
    secret_overlap_ends_at,
    webhook_endpoint_deactivate,
    webhook_endpoint_secret_overlap_end,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)
from integrations.services.form_nonces import FormAlreadySubmitted, nonce_spent
from integrations.views.base import already_submitted_page, page_context, redirect_to
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import ADMIN_ROLES

ENDPOINT_ALREADY_CREATED = (
    "This endpoint was already created; its signing secret was shown once and cannot be shown again. "
    "Rotate its secret if you did not copy it."
)
ROTATION_ALREADY_DONE = (
    "This secret was already rotated; the new secret was shown once and cannot be shown again. "
    "Rotate it again if you did not copy it (the secret before it then stops signing at once)."
)


@organisation_page(roles=ADMIN_ROLES)
def webhook_endpoints_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    endpoints = selectors.webhook_endpoint_list_with_failures(organisation=membership.organisation)
    context = page_context(request, membership, endpoints=endpoints, page="webhooks")
    return render(request, "integrations/webhook_endpoints.html", context)


def _secret_page(
    request: HttpRequest, membership: Membership, endpoint: WebhookEndpoint, created: bool
) -> HttpResponse:
    context = page_context(
        request, membership, endpoint=endpoint, created=created, overlap_ends_at=secret_overlap_ends_at(endpoint)
    )
    return render(request, "integrations/webhook_secret.html", context)


def _endpoint_form_page(
    request: HttpRequest, membership: Membership, form: WebhookEndpointForm, endpoint: WebhookEndpoint | None
) -> HttpResponse:
    overlap_ends_at = secret_overlap_ends_at(endpoint) if endpoint else None
    context = page_context(
        request, membership, form=form, endpoint=endpoint, overlap_ends_at=overlap_ends_at, page="webhooks"
    )
    return render(request, "integrations/webhook_endpoint_form.html", context, status=400 if form.errors else 200)


@organisation_page(roles=ADMIN_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def webhook_endpoint_new_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = WebhookEndpointCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with nonce_spent(form.nonce_id):
                endpoint = webhook_endpoint_create(organisation=membership.organisation, **form.cleaned_data)
        except FormAlreadySubmitted:
            back = reverse("manage-webhooks") + organisation_query(request)
            return already_submitted_page(request, membership, ENDPOINT_ALREADY_CREATED, back, "Back to the endpoints")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _secret_page(request, membership, endpoint, created=True)
    return _endpoint_form_page(request, membership, form, None)


@organisation_page(roles=ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def webhook_endpoint_edit_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(organisation=membership.organisation, pk=pk)
    if request.method == "GET":
        return _endpoint_form_page(request, membership, WebhookEndpointForm.for_endpoint(endpoint), endpoint)
    form = WebhookEndpointForm(request.POST)
    if form.is_valid():
        try:
            webhook_endpoint_update(endpoint=endpoint, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            # The page shows what is saved, not the rejected values.
            endpoint = selectors.webhook_endpoint_get(organisation=membership.organisation, pk=pk)
        else:
            messages.success(request, f"Endpoint {endpoint.url} saved.")
            return redirect_to(request, "manage-webhook-edit", endpoint.pk)
    return _endpoint_form_page(request, membership, form, endpoint)


@organisation_page(roles=ADMIN_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def webhook_endpoint_rotate_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST issues a new secret and shows it once."""
    endpoint = selectors.webhook_endpoint_get(organisation=membership.organisation, pk=pk)
    form = SubmitOnceForm(request.POST if request.method == "POST" else None, purpose=f"rotate-secret:{endpoint.pk}")
    if form.is_bound and form.is_valid():
        return _rotate(request, membership, endpoint, form)
    overlap_ends_at = secret_overlap_ends_at(endpoint)
    context = page_context(request, membership, endpoint=endpoint, form=form, overlap_ends_at=overlap_ends_at)
    context["overlap_hours"] = settings.WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS
    return render(request, "integrations/webhook_rotate.html", context, status=400 if form.errors else 200)


def _rotate(
    request: HttpRequest, membership: Membership, endpoint: WebhookEndpoint, form: SubmitOnceForm
) -> HttpResponse:
    try:
        with nonce_spent(form.nonce_id):
            endpoint = webhook_endpoint_secret_rotate(endpoint=endpoint)
    except FormAlreadySubmitted:
        back = reverse("manage-webhook-edit", args=[endpoint.pk]) + organisation_query(request)
        return already_submitted_page(request, membership, ROTATION_ALREADY_DONE, back, "Back to the endpoint")
    return _secret_page(request, membership, endpoint, created=False)


@organisation_page(roles=ADMIN_ROLES)
@require_POST
def webhook_endpoint_end_overlap_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """End the last rotation's overlap: tries stop carrying the previous secret's signature now."""
    endpoint = selectors.webhook_endpoint_get(organisation=membership.organisation, pk=pk)
    webhook_endpoint_secret_overlap_end(endpoint=endpoint)
    messages.success(request, "Deliveries are now signed with the current secret only; the previous one is deleted.")
    return redirect_to(request, "manage-webhook-edit", endpoint.pk)


@organisation_page(roles=ADMIN_ROLES)
@require_POST
def webhook_endpoint_deactivate_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(organisation=membership.organisation, pk=pk)
    webhook_endpoint_deactivate(endpoint=endpoint)
    messages.success(request, f"Endpoint {endpoint.url} deactivated: it gets no new events; queued ones wait.")
    return redirect_to(request, "manage-webhook-edit", endpoint.pk)

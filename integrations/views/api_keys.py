"""Organisation admins' API key pages: create a key (its secret shown once) and revoke one.

Secrets (a new API key, a webhook signing secret) are rendered in the POST's own response, once,
with ``never_cache``: they are never stored in plaintext, in the session or in a message cookie.
The forms that make them carry a one-time nonce (``forms.SubmitOnceForm``), so a browser that
re-sends the POST (a refresh) gets a page saying it was done already instead of a second secret.
"""

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from integrations import selectors
from integrations.forms import ApiKeyCreateForm
from integrations.services.api_keys import api_key_create, api_key_revoke
from integrations.services.form_nonces import FormAlreadySubmitted, nonce_spent
from integrations.views.base import already_submitted_page, page_context, redirect_to
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import ADMIN_ROLES

KEY_ALREADY_CREATED = (
    "This key was already created; its secret was shown once and cannot be shown again. "
    "Revoke it if you did not copy it."
)


@organisation_page(roles=ADMIN_ROLES)
def integrations_index_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    return redirect_to(request, "manage-api-keys")


@organisation_page(roles=ADMIN_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def api_keys_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ApiKeyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with nonce_spent(form.nonce_id):
                api_key, plaintext = api_key_create(
                    organisation=membership.organisation,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    created_by=cast(User, request.user),  # login_required: never anonymous
                )
        except FormAlreadySubmitted:
            back = reverse("manage-api-keys") + organisation_query(request)
            return already_submitted_page(request, membership, KEY_ALREADY_CREATED, back, "Back to the API keys")
        context = page_context(request, membership, api_key=api_key, plaintext=plaintext)
        return render(request, "integrations/api_key_created.html", context)
    api_keys = selectors.api_key_list(organisation=membership.organisation)
    context = page_context(request, membership, form=form, api_keys=api_keys, page="api-keys")
    return render(request, "integrations/api_keys.html", context, status=400 if form.errors else 200)


@organisation_page(roles=ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def api_key_revoke_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes (from then on the key gets ``401 api_key_revoked``)."""
    api_key = selectors.api_key_get(organisation=membership.organisation, pk=pk)
    if request.method == "POST":
        api_key_revoke(api_key=api_key)
        messages.success(request, f"API key “{api_key.name}” ({api_key.display_prefix}) revoked.")
        return redirect_to(request, "manage-api-keys")
    return render(request, "integrations/api_key_revoke.html", page_context(request, membership, api_key=api_key))

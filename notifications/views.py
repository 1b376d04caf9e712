"""The e-mail log for hiring managers and admins: every message with its status and error, and a resend button;
the admins' organisation reply-to."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.exceptions import ApplicationError, NotFoundError
from notifications.models import EmailKind, OutgoingEmail
from notifications.selectors import email_get, email_list, mail_settings_get
from notifications.services.digests import digest_set
from notifications.services.mail_settings import mail_settings_update
from notifications.services.outbox import email_resend
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import ADMIN_ROLES, MANAGER_ROLES, membership_is_admin

EMAILS_PER_PAGE = 50
STATUSES = [("", "All"), ("failed", "Failed"), ("pending", "Pending"), ("succeeded", "Sent")]


class MailSettingsForm(forms.Form):
    reply_to = forms.EmailField(
        required=False,
        label="Reply-To when no person is behind a message",
        help_text="Candidate e-mails of invitations made by the API or Greenhouse, and staff e-mails.",
    )


def _back(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("manage-emails") + organisation_query(request))


@organisation_page(roles=MANAGER_ROLES)
def emails_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    status = request.GET.get("status", "")
    status = status if status in dict(STATUSES) else ""
    emails = email_list(organisation=organisation, status=status).select_related("invitation__candidate")
    page = Paginator(emails, EMAILS_PER_PAGE).get_page(request.GET.get("page"))
    filters = [
        {"label": label, "url": organisation_query(request, status=value), "active": value == status}
        for value, label in STATUSES
    ]
    context = {
        "organisation": organisation,
        "membership": membership,
        "emails": page,
        "filters": filters,
        "suffix": organisation_query(request),
        "kinds": dict(EmailKind.choices),
        "settings_form": MailSettingsForm(initial={"reply_to": mail_settings_get(organisation=organisation).reply_to})
        if membership_is_admin(membership)
        else None,
    }
    return render(request, "notifications/emails.html", context)


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def email_resend_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    try:
        email: OutgoingEmail = email_get(organisation=membership.organisation, pk=pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    try:
        email_resend(email=email)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The e-mail to %(address)s is queued again.") % {"address": email.to_email})
    return _back(request)


@organisation_page(roles=ADMIN_ROLES)
@require_POST
def mail_settings_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = MailSettingsForm(request.POST)
    if form.is_valid():
        mail_settings_update(organisation=membership.organisation, reply_to=form.cleaned_data["reply_to"])
        messages.success(request, _("E-mail settings saved."))
    else:
        messages.error(request, " ".join(str(error) for error in form.errors.get("reply_to", [])))
    return _back(request)


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def digest_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Turn the caller's daily digest on (``enabled=1``) or off; back to the home page."""
    enabled = request.POST.get("enabled") == "1"
    digest_set(membership=membership, enabled=enabled)
    if enabled:
        messages.success(request, _("You will get this list by e-mail each morning when something needs attention."))
    else:
        messages.success(request, _("The daily e-mail is off."))
    return HttpResponseRedirect(reverse("home") + organisation_query(request))

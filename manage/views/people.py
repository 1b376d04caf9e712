"""The organisation admins' people page: colleagues with their role and status, role changes, deactivation, and
invite links for new colleagues.

Admins only (hiring managers and interviewers get 403); another organisation's colleague or invite is
404. An invite link is shown once, in the POST's own answer (``never_cache``): only its hash is kept.
Refusals (the last admin, an address already invited) come back on the page with the error's status.
"""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from common.exceptions import ApplicationError
from common.links import site_url
from manage.views.base import found_or_404
from notifications.services.colleagues import colleague_invite_email_record
from organisations.models import Membership, Role
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import (
    ADMIN_ROLES,
    colleague_get,
    colleague_invite_get,
    colleague_invite_list_open,
    colleague_list,
)
from organisations.services.colleague_invites import INVITE_LIFETIME, colleague_invite_create, colleague_invite_revoke
from organisations.services.memberships import membership_deactivate, membership_reactivate, membership_role_change

CHOOSE_A_ROLE = "Choose a role: admin, hiring manager or interviewer."


class ColleagueInviteForm(forms.Form):
    name = forms.CharField(max_length=150, label="Name")
    email = forms.EmailField(max_length=254, label="E-mail")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.INTERVIEWER, label="Role")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


def _context(request: HttpRequest, membership: Membership, **context: Any) -> dict[str, Any]:
    return {
        "organisation": membership.organisation,
        "membership": membership,  # the navigation bar's
        "suffix": organisation_query(request),
        **context,
    }


def people_page(
    request: HttpRequest,
    membership: Membership,
    *,
    form: ColleagueInviteForm | None = None,
    error: ApplicationError | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation = membership.organisation
    context = _context(
        request,
        membership,
        me=membership,
        colleagues=colleague_list(organisation=organisation),
        invites=colleague_invite_list_open(organisation=organisation),
        roles=Role.choices,
        form=form or ColleagueInviteForm(),
        error=error,
        lifetime_days=INVITE_LIFETIME.days,
    )
    return render(request, "manage/people.html", context, status=error.status_code if error else status)


@organisation_page(roles=ADMIN_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def people_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """GET lists colleagues and open invite links; POST makes an invite link and shows it, once."""
    form = ColleagueInviteForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return people_page(request, membership, form=form, status=400 if form.errors else 200)
    try:
        with transaction.atomic():  # the invite and its e-mail, or neither
            invite, token = colleague_invite_create(
                organisation=membership.organisation,
                created_by=cast(User, request.user),  # login_required: never anonymous
                **form.cleaned_data,
            )
            colleague_invite_email_record(invite=invite, token=token)
    except ApplicationError as exc:
        return people_page(request, membership, form=form, error=exc)
    context = _context(request, membership, invite=invite, link=site_url("colleague-join", token))
    return render(request, "manage/people_invite_created.html", context)


def _act(request: HttpRequest, membership: Membership, action: Callable[[], object], done: str) -> HttpResponse:
    """Run a service; on success back to the list with ``done``, on refusal the list with the error and its status."""
    try:
        action()
    except ApplicationError as exc:
        return people_page(request, membership, error=exc)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("manage-people") + organisation_query(request))


def _name(colleague: Membership) -> str:
    return colleague.user.get_full_name() or colleague.user.get_username()


@organisation_page(roles=ADMIN_ROLES)
@require_POST
def person_role_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    colleague = found_or_404(colleague_get, organisation=membership.organisation, pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return people_page(request, membership, error=ApplicationError(CHOOSE_A_ROLE, code="invalid_role"))
    role = form.cleaned_data["role"]
    done = f"{_name(colleague)} is now {Role(role).label.lower()}."
    return _act(request, membership, lambda: membership_role_change(membership=colleague, role=role), done)


@organisation_page(roles=ADMIN_ROLES)
@require_POST
def person_deactivate_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    colleague = found_or_404(colleague_get, organisation=membership.organisation, pk=pk)
    done = f"{_name(colleague)} is deactivated: they can no longer act in {membership.organisation.name}."
    by = cast(User, request.user)  # login_required: never anonymous
    return _act(request, membership, lambda: membership_deactivate(membership=colleague, by=by), done)


@organisation_page(roles=ADMIN_ROLES)
@require_POST
def person_reactivate_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    colleague = found_or_404(colleague_get, organisation=membership.organisation, pk=pk)
    done = f"{_name(colleague)} is active again, as {colleague.get_role_display().lower()}."
    return _act(request, membership, lambda: membership_reactivate(membership=colleague), done)


@organisation_page(roles=ADMIN_ROLES)
@require_POST
def colleague_invite_revoke_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    invite = found_or_404(colleague_invite_get, organisation=membership.organisation, pk=pk)
    done = f"The invite link for {invite.email} is withdrawn."
    return _act(request, membership, lambda: colleague_invite_revoke(invite=invite), done)

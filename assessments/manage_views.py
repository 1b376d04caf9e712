"""Hiring managers' web pages for inviting candidates (the loop builder and reports come later)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import selectors
from assessments.invitation_apis import candidate_url
from assessments.models import Membership, Organisation, QuestionSet
from assessments.selectors import MANAGER_ROLES
from assessments.services.attempts import invitation_create, invitation_link_state, invitation_revoke
from assessments.services.candidates import candidate_create
from common.exceptions import ApplicationError


class InviteForm(forms.Form):
    name = forms.CharField(max_length=200, label="Candidate name")
    email = forms.EmailField(label="Candidate email")
    question_set = forms.ModelChoiceField(queryset=QuestionSet.objects.none(), label="Question set")
    duration_minutes = forms.IntegerField(min_value=5, max_value=24 * 60, initial=90, label="Duration (minutes)")
    days_open = forms.IntegerField(min_value=1, max_value=60, initial=7, label="Link open for (days)")

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["question_set"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = QuestionSet.objects.filter(organisation=organisation).order_by("title")


def _manager_membership(request: HttpRequest) -> Membership:
    """The caller's manager membership; anyone else gets Django's 403 page."""
    try:
        membership = selectors.membership_get(user=request.user, organisation_slug=request.GET.get("org"))
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    if membership.role not in MANAGER_ROLES:
        raise PermissionDenied("Only admins and hiring managers can invite candidates.")
    return membership


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    membership = _manager_membership(request)
    organisation = membership.organisation
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            link = _invite(request, membership, form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, f"{exc.message} {exc.details or ''}".strip())
        else:
            messages.success(request, f"Invitation created. Send the candidate this link: {link}")
            return redirect(request.get_full_path())
    rows = [
        {"invitation": inv, "state": invitation_link_state(inv), "url": candidate_url(inv)}
        for inv in selectors.invitation_list(organisation=organisation).select_related("candidate", "question_set")[
            :200
        ]
    ]
    context = {"organisation": organisation, "form": form, "rows": rows}
    return render(request, "manage/invitations.html", context)


@transaction.atomic
def _invite(request: HttpRequest, membership: Membership, data: dict) -> str:
    candidate = candidate_create(organisation=membership.organisation, name=data["name"], email=data["email"])
    invitation = invitation_create(
        organisation=membership.organisation,
        candidate=candidate,
        question_set=data["question_set"],
        duration_minutes=data["duration_minutes"],
        expires_at=timezone.now() + timedelta(days=data["days_open"]),
        created_by=request.user,
    )
    return candidate_url(invitation)


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    try:
        invitation_revoke(invitation=selectors.invitation_get(organisation=membership.organisation, pk=pk))
        messages.success(request, "Invitation withdrawn.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("manage-invitations")

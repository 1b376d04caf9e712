"""The invitations page: invite a candidate to a loop's assessment stage (the link is shown once made), withdraw one.

Inviting an e-mail the organisation already has reuses that candidate (``candidate_find_or_create``).
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.models import Stage
from assessments.selectors.invitations import invitation_get, invitation_link, invitation_list_latest
from assessments.selectors.loops import assessment_stage_list
from assessments.services.accommodations import MAX_EXTRA_MINUTES, MAX_EXTRA_PERCENT, ExtraTime
from assessments.services.candidates import candidate_find_or_create
from assessments.services.invitations import invitation_create, invitation_link_state, invitation_revoke
from common.exceptions import ApplicationError
from manage.views.base import found_or_404
from notifications.selectors import invitation_emails_by_id
from organisations.models import Membership, Organisation
from organisations.pages import organisation_page
from organisations.selectors import MANAGER_ROLES

PAGE_SIZE = 200


class StageChoiceField(forms.ModelChoiceField):
    """A loop's timed assessment stage, shown as "Loop — stage (question set, minutes)"."""

    def label_from_instance(self, obj: Stage) -> str:
        return f"{obj.loop.title} — {obj.title} ({obj.question_set}, {obj.duration_minutes} min)"


class StageWindowForm(forms.Form):
    """The loop's assessment stage and the link's window: what the invite and bulk invite forms share."""

    stage = StageChoiceField(queryset=Stage.objects.none(), label="Loop and assessment stage")
    duration_minutes = forms.IntegerField(
        min_value=5, max_value=24 * 60, required=False, label="Duration (minutes; empty: the stage's)"
    )
    days_open = forms.IntegerField(min_value=1, max_value=60, initial=7, label="Link open for (days)")

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["stage"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = assessment_stage_list(organisation=organisation)


class InviteForm(StageWindowForm):
    name = forms.CharField(max_length=200, label="Candidate name")
    email = forms.EmailField(label="Candidate email")
    extra_minutes = forms.IntegerField(
        min_value=1, max_value=MAX_EXTRA_MINUTES, required=False, label="Extra time, minutes (an accommodation)"
    )
    extra_percent = forms.IntegerField(
        min_value=1, max_value=MAX_EXTRA_PERCENT, required=False, label="or extra time, % of the duration"
    )
    extra_reason = forms.CharField(max_length=2000, required=False, label="Why the extra time (kept on record)")
    field_order = ["name", "email", "stage", "duration_minutes", "days_open"]

    def extra_time(self) -> ExtraTime | None:
        """The accommodation asked for, if any; ``invitation_create`` checks it (one of the two, with a reason)."""
        minutes, percent = self.cleaned_data.get("extra_minutes"), self.cleaned_data.get("extra_percent")
        if minutes is None and percent is None:
            return None
        return ExtraTime(reason=self.cleaned_data.get("extra_reason", ""), minutes=minutes, percent=percent)


@organisation_page(roles=MANAGER_ROLES)
def invitations(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            link, created = _invite(request, membership, form.cleaned_data, form.extra_time())
        except ApplicationError as exc:
            form.add_error(None, f"{exc.message} {exc.details or ''}".strip())
        else:
            address = form.cleaned_data["email"]
            who = "a new candidate" if created else "the existing candidate with this e-mail"
            messages.success(request, f"Invitation created for {who}; it is e-mailed to {address}. The link: {link}")
            return redirect(request.get_full_path())
    latest = invitation_list_latest(organisation=organisation, limit=PAGE_SIZE)
    emails = invitation_emails_by_id(invitation_ids=[invitation.pk for invitation in latest])
    rows = [
        {
            "invitation": invitation,
            "state": invitation_link_state(invitation),
            "url": invitation_link(invitation),
            "email": emails.get(invitation.pk),
        }
        for invitation in latest
    ]
    context = {"organisation": organisation, "form": form, "rows": rows, "has_stages": _has_stages(form)}
    return render(request, "manage/invitations.html", context)


def _has_stages(form: StageWindowForm) -> bool:
    field = form.fields["stage"]
    assert isinstance(field, forms.ModelChoiceField)
    return field.queryset.exists()  # type: ignore[union-attr]


@transaction.atomic
def _invite(request: HttpRequest, membership: Membership, data: dict, extra_time: ExtraTime | None) -> tuple[str, bool]:
    candidate, created = candidate_find_or_create(
        organisation=membership.organisation, name=data["name"], email=data["email"]
    )
    invitation = invitation_create(
        organisation=membership.organisation,
        candidate=candidate,
        stage=data["stage"],
        duration_minutes=data["duration_minutes"],
        expires_at=timezone.now() + timedelta(days=data["days_open"]),
        created_by=request.user,
        extra_time=extra_time,
    )
    return invitation_link(invitation), created


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def invitation_revoke_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    invitation = found_or_404(invitation_get, organisation=membership.organisation, pk=pk)
    try:
        invitation_revoke(invitation=invitation)
        messages.success(request, "Invitation withdrawn.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("manage-invitations")

"""Hiring managers' web pages: inviting candidates, the candidate report and recording decisions."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from api.views.invitations import candidate_url
from assessments.models import Candidate, DecisionOutcome, Loop, Membership, Organisation, QuestionSet
from assessments.selectors.candidates import candidate_get
from assessments.selectors.invitations import invitation_get, invitation_list
from assessments.selectors.memberships import MANAGER_ROLES, membership_get
from assessments.services.candidates import candidate_create
from assessments.services.decisions import decision_record
from assessments.services.invitations import invitation_create, invitation_link_state, invitation_revoke
from common.exceptions import ApplicationError, NotFoundError
from manage.charts import coding_scores_chart, criterion_ratings_chart
from manage.selectors.reports import candidate_report


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
        membership = membership_get(user=request.user, organisation_slug=request.GET.get("org"))
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    if membership.role not in MANAGER_ROLES:
        raise PermissionDenied("Only admins and hiring managers can use the management pages.")
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
        for inv in invitation_list(organisation=organisation).select_related("candidate", "question_set")[:200]
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
        invitation = invitation_get(organisation=membership.organisation, pk=pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc  # like every other page: another organisation's is not found
    try:
        invitation_revoke(invitation=invitation)
        messages.success(request, "Invitation withdrawn.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("manage-invitations")


class DecisionForm(forms.Form):
    loop = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices, widget=forms.RadioSelect, label="Decision")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Reason")


def _candidate_and_loop(membership: Membership, pk: int, loop_id: str | None) -> tuple[Candidate, Loop]:
    # Another organisation's candidate or loop and a missing one look the same: 404, no existence leak.
    try:
        candidate = candidate_get(organisation=membership.organisation, pk=pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    loop = None
    if loop_id and loop_id.isdigit():
        loop = Loop.objects.filter(organisation=membership.organisation, pk=int(loop_id)).first()
    if loop is None:
        raise Http404("No such loop.")
    return candidate, loop


def _report_url(request: HttpRequest, candidate: Candidate, loop: Loop) -> str:
    org = request.GET.get("org")
    return reverse("manage-candidate-report", args=[candidate.pk]) + f"?loop={loop.pk}" + (f"&org={org}" if org else "")


def _render_report(
    request: HttpRequest,
    membership: Membership,
    candidate: Candidate,
    loop: Loop,
    form: DecisionForm,
    status: int = 200,
) -> HttpResponse:
    report = candidate_report(membership=membership, candidate=candidate, loop=loop)
    questions = [question for attempt in report["attempts"] for question in attempt["questions"]]
    context = {
        **report,
        "organisation": membership.organisation,
        "coding_chart": coding_scores_chart(questions) if any(q["coding"] for q in questions) else None,
        "ratings_chart": criterion_ratings_chart(report["criterion_ratings"]) if report["criterion_ratings"] else None,
        "form": form,
        "decide_url": reverse("manage-candidate-decide", args=[candidate.pk])
        + (f"?org={request.GET['org']}" if request.GET.get("org") else ""),
    }
    return render(request, "manage/report.html", context, status=status)


@login_required
def candidate_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    candidate, loop = _candidate_and_loop(membership, pk, request.GET.get("loop"))
    return _render_report(request, membership, candidate, loop, DecisionForm(initial={"loop": loop.pk}))


@login_required
@require_POST
def candidate_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    candidate, loop = _candidate_and_loop(membership, pk, request.POST.get("loop"))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = decision_record(
                organisation=membership.organisation,
                candidate=candidate,
                loop=loop,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                decided_by=request.user,  # type: ignore[arg-type]  # login_required: never anonymous
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Decision recorded: {decision.get_outcome_display()}.")
            return redirect(_report_url(request, candidate, loop))
    return _render_report(request, membership, candidate, loop, form, status=400)

"""The candidate report (one printable page per candidate and loop) and recording a hiring decision on it.

The report without ``?loop=`` shows the candidate's attempts outside any loop stage (invitations made
before every invitation named a stage). ``/manage/attempts/<id>/``, the link the API, webhooks, e-mails
and Greenhouse hand out (``common.links.attempt_page_url``), leads to the report that shows the attempt.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.models import Candidate, DecisionOutcome, Loop
from assessments.selectors.attempts import attempt_get
from assessments.selectors.candidates import candidate_get
from assessments.selectors.loops import loop_get
from assessments.services.decisions import decision_record
from common.exceptions import ApplicationError
from manage.charts import coding_scores_chart, criterion_ratings_chart
from manage.selectors.reports import candidate_report
from manage.views.attempts import extend_form
from manage.views.base import attempt_report_url, candidate_report_url, found_or_404
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import MANAGER_ROLES


class DecisionForm(forms.Form):
    loop = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices, widget=forms.RadioSelect, label="Decision")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Reason")


def _candidate_and_loop(
    membership: Membership, pk: int, loop_id: str | None, *, loop_required: bool = True
) -> tuple[Candidate, Loop | None]:
    # Another organisation's candidate or loop and a missing one look the same: 404, no existence leak.
    candidate = found_or_404(candidate_get, organisation=membership.organisation, pk=pk)
    if loop_id is None and not loop_required:
        return candidate, None
    if not loop_id or not loop_id.isdigit():
        raise Http404("No such loop.")
    return candidate, found_or_404(loop_get, organisation=membership.organisation, pk=int(loop_id))


def _render_report(
    request: HttpRequest,
    membership: Membership,
    candidate: Candidate,
    loop: Loop | None,
    form: DecisionForm,
    status: int = 200,
) -> HttpResponse:
    # (loop is None: the attempts outside any loop; no scorecards or decisions, they belong to a loop)
    report = candidate_report(membership=membership, candidate=candidate, loop=loop)
    for attempt in report["attempts"]:
        attempt["extend_form"] = extend_form(attempt["attempt"].pk)
    questions = [question for attempt in report["attempts"] for question in attempt["questions"]]
    context = {
        **report,
        "organisation": membership.organisation,
        "coding_chart": coding_scores_chart(questions) if any(q["coding"] for q in questions) else None,
        "ratings_chart": criterion_ratings_chart(report["criterion_ratings"]) if report["criterion_ratings"] else None,
        "form": form,
        "decide_url": reverse("manage-candidate-decide", args=[candidate.pk]) + organisation_query(request),
        "candidate_url": reverse("manage-candidate", args=[candidate.pk]) + organisation_query(request),
        "org_query": organisation_query(request),
    }
    return render(request, "manage/report.html", context, status=status)


@organisation_page(roles=MANAGER_ROLES)
def candidate_report_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    candidate, loop = _candidate_and_loop(membership, pk, request.GET.get("loop"), loop_required=False)
    form = DecisionForm(initial={"loop": loop.pk if loop else None})
    return _render_report(request, membership, candidate, loop, form)


@organisation_page(roles=MANAGER_ROLES)
def attempt_report_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The page about one attempt: its loop's report (or the report outside loops), at the attempt."""
    attempt = found_or_404(attempt_get, organisation=membership.organisation, pk=pk)
    return redirect(attempt_report_url(request, attempt))


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def candidate_decide_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    candidate, loop = _candidate_and_loop(membership, pk, request.POST.get("loop"))
    assert loop is not None  # loop_required
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
            return redirect(candidate_report_url(request, candidate.pk, loop.pk))
    return _render_report(request, membership, candidate, loop, form, status=400)

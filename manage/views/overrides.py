"""Overriding a coding question's score from the report, with a reason (the graded score stays beside it)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from assessments.selectors.attempts import attempt_get
from common.exceptions import ApplicationError
from grading.services.overrides import score_override_record
from manage.views.base import attempt_report_url, form_problems, found_or_404
from organisations.models import Membership
from organisations.pages import organisation_page
from organisations.selectors import MANAGER_ROLES


class OverrideForm(forms.Form):
    question_id = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(
        min_value=0, max_value=100, decimal_places=2, required=False, label="Score (%)", help_text="0–100"
    )
    reason = forms.CharField(max_length=2000, label="Why (kept on record)")
    withdraw = forms.BooleanField(required=False, label="Withdraw the override: the graded score counts again")


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def score_override_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    attempt = found_or_404(attempt_get, organisation=membership.organisation, pk=pk)
    form = OverrideForm(request.POST)
    if not form.is_valid() or (form.cleaned_data["score"] is None and not form.cleaned_data["withdraw"]):
        messages.error(request, f"The score was not changed. {form_problems(form) or 'Give a score (0–100).'}")
        return redirect(attempt_report_url(request, attempt))
    data = form.cleaned_data
    score = None if data["withdraw"] else float(data["score"]) / 100
    try:
        score_override_record(
            attempt=attempt, question_id=data["question_id"], score=score, reason=data["reason"], by=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        done = (
            "Override withdrawn: the graded score counts." if score is None else f"Score overridden: {data['score']}%."
        )
        messages.success(request, done)
    return redirect(attempt_report_url(request, attempt))

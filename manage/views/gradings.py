"""Gradings from the manager's side: re-grade a final submission from the report, and the failed gradings to requeue.

Platform operators requeue failed gradings of every organisation from the Django admin (code submissions,
"Requeue the selected failed gradings"); both go through ``grading.services.submissions``.
"""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.models import CodeSubmission
from assessments.selectors.attempts import attempt_get
from assessments.selectors.submissions import attempt_final_submission_get, failed_gradings_list, final_submission_get
from common.exceptions import ApplicationError
from grading.services.submissions import submission_regrade, submission_requeue
from manage.views.base import attempt_report_url, form_problems, found_or_404
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import MANAGER_ROLES

PAGE_SIZE = 200


class RegradeForm(forms.Form):
    question_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=2000, label="Why re-grade (kept on record)")


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def regrade_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    attempt = found_or_404(attempt_get, organisation=membership.organisation, pk=pk)
    form = RegradeForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nothing was re-graded. {form_problems(form)}")
        return redirect(attempt_report_url(request, attempt))
    submission = found_or_404(
        attempt_final_submission_get, attempt=attempt, question_id=form.cleaned_data["question_id"]
    )
    try:
        submission_regrade(submission=submission, reason=form.cleaned_data["reason"], by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Re-grade queued: the new result shows here once the grading is done.")
    return redirect(attempt_report_url(request, attempt))


@organisation_page(roles=MANAGER_ROLES)
def failed_gradings_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows = [
        _row(request, submission)
        for submission in failed_gradings_list(organisation=membership.organisation)[:PAGE_SIZE]
    ]
    context = {"organisation": membership.organisation, "membership": membership, "rows": rows}
    return render(request, "manage/failed_gradings.html", context)


def _row(request: HttpRequest, submission: CodeSubmission) -> dict[str, object]:
    attempt = submission.attempt_question.attempt
    return {
        "submission": submission,
        "candidate": attempt.invitation.candidate,
        "question": submission.attempt_question.revision.question,
        "loop": attempt.invitation.stage.loop if attempt.invitation.stage else None,
        "report_url": attempt_report_url(request, attempt),
        "requeue_url": reverse("manage-grading-requeue", args=[submission.pk]) + organisation_query(request),
    }


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def requeue_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    submission = found_or_404(final_submission_get, organisation=membership.organisation, pk=pk)
    if submission_requeue(submission=submission, by=request.user, reason="Requeued from the failed gradings page."):
        messages.success(request, f"Submission {submission.pk} is queued for grading again.")
    else:
        messages.error(request, f"Submission {submission.pk} has not failed (any more): nothing to requeue.")
    return redirect(reverse("manage-failed-gradings") + organisation_query(request))

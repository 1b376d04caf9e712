"""The interviewer's queue, "My interviews": every candidate of the interview stages they are assigned to."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from rubrics.models import ScorecardStatus
from rubrics.selectors.interviews import interview_queue
from rubrics.views.base import page_membership

STATUS_LABELS = {"": "Not started", ScorecardStatus.DRAFT.value: "Draft", ScorecardStatus.SUBMITTED.value: "Submitted"}


@login_required
def my_interviews(request: HttpRequest) -> HttpResponse:
    membership = page_membership(request)
    org = request.GET.get("org")
    rows = [
        {
            "stage": interview.stage,
            "candidate": interview.candidate,
            "status": interview.status,
            "label": STATUS_LABELS[interview.status],
            "url": reverse("interviews-scorecard", args=[interview.stage.pk, interview.candidate.pk])
            + (f"?org={org}" if org else ""),
        }
        for interview in interview_queue(membership=membership)
    ]
    return render(request, "interviews/queue.html", {"organisation": membership.organisation, "rows": rows})

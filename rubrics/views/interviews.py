"""The interviewer's queue, "My interviews": every candidate of the interview stages they are assigned to."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from rubrics.models import ScorecardStatus
from rubrics.selectors.interviews import interview_queue

STATUS_LABELS = {"": "Not started", ScorecardStatus.DRAFT.value: "Draft", ScorecardStatus.SUBMITTED.value: "Submitted"}


@organisation_page()
def my_interviews(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows = [
        {
            "stage": interview.stage,
            "candidate": interview.candidate,
            "status": interview.status,
            "label": STATUS_LABELS[interview.status],
            "url": reverse("interviews-scorecard", args=[interview.stage.pk, interview.candidate.pk])
            + organisation_query(request),
        }
        for interview in interview_queue(membership=membership)
    ]
    return render(request, "interviews/queue.html", {"organisation": membership.organisation, "rows": rows})

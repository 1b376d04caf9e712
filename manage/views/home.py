"""``/``: where each person starts. Hiring managers and admins get their loops and what needs attention;
interviewers go to their interviews; a platform operator outside every organisation goes to the admin."""

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from assessments.selectors.loops import loop_list
from manage.selectors import pipeline
from organisations.models import Membership
from organisations.pages import organisation_query, page_membership
from organisations.selectors import MEMBER_ROLES, membership_is_manager
from rubrics.selectors.attention import Attention, attention


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        membership = page_membership(request, roles=MEMBER_ROLES)
    except PermissionDenied:
        if request.user.is_superuser:  # a platform operator with no organisation role
            return redirect("admin:index")
        raise
    if not membership_is_manager(membership):
        return redirect(reverse("interviews-queue") + organisation_query(request))
    return render(request, "manage/home.html", _context(request, membership))


def _context(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    organisation = membership.organisation
    loops = [loop for loop in loop_list(organisation=organisation) if not loop.is_archived]
    counts = pipeline.loop_status_counts(organisation=organisation, loops=loops)
    suffix = organisation_query(request)
    return {
        "organisation": organisation,
        "membership": membership,
        "loops": [
            {"loop": loop, "total": sum(counts[loop.pk].values()), "url": _pipeline(loop.pk) + suffix} for loop in loops
        ],
        **_attention_rows(request, attention(organisation=organisation, now=timezone.now())),
    }


def _attention_rows(request: HttpRequest, found: Attention) -> dict[str, list[Any]]:
    def report(candidate_id: int, loop_id: int) -> str:
        return _url("manage-candidate-report", candidate_id) + organisation_query(request, loop=loop_id)

    failed = []
    for submission in found.failed_gradings:
        attempt = submission.attempt_question.attempt
        url = _url("manage-attempt", attempt.pk) + organisation_query(request)  # its loop's report, or outside loops
        failed.append({"submission": submission, "candidate": attempt.invitation.candidate, "url": url})
    return {
        "awaiting": [{"row": row, "url": report(row.candidate.pk, row.loop.pk)} for row in found.awaiting_scorecards],
        "failed": failed,
        "expiring": found.expiring_invitations,
    }


def _pipeline(pk: int) -> str:
    return reverse("manage-loop-pipeline", args=[pk])


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])

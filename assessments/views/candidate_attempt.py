"""Candidate pages: landing, start, the assessment. Bad links get a clear page, never an error."""

from collections import Counter

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assessments.models import Invitation, SectionItem
from assessments.selectors.attempts import attempt_get_by_token, attempt_state
from assessments.selectors.invitations import invitation_get_by_token
from assessments.services.attempts import attempt_start
from assessments.services.invitations import LinkState, invitation_link_state
from common.exceptions import ApplicationError

PROBLEMS = {
    LinkState.REVOKED: (410, "This link has been withdrawn", "The company has withdrawn this invitation."),
    LinkState.EXPIRED: (410, "This link has expired", "The time window for this assessment has closed."),
    LinkState.NOT_OPEN: (403, "This assessment is not open yet", "Please come back when the window opens."),
}
CONTACT = "If you think this is a mistake, reply to the email that brought you the link."


def _problem(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    context = {"title": title, "message": f"{message} {CONTACT}"}
    return render(request, "candidate/link_problem.html", context, status=status)


def _unknown(request: HttpRequest) -> HttpResponse:
    return _problem(request, 404, "This link is not valid", "Check that you copied the whole link.")


@require_http_methods(["GET"])
def landing(request: HttpRequest, token: str) -> HttpResponse:
    return _landing_response(request, token)


def _landing_response(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get_by_token(token=token)
    if invitation is None:
        return _unknown(request)
    state = invitation_link_state(invitation)
    if state == LinkState.STARTED:
        return redirect("candidate-attempt", token=token)
    if state in PROBLEMS:
        return _problem(request, *PROBLEMS[state])
    return render(request, "candidate/landing.html", _landing_context(invitation, token))


def _landing_context(invitation: Invitation, token: str) -> dict:
    kinds = Counter(
        SectionItem.objects.filter(section__question_set=invitation.question_set).values_list(
            "question__kind", flat=True
        )
    )
    stage = invitation.stage
    return {
        "token": token,
        "invitation": invitation,
        "role": stage.loop.role if stage else invitation.question_set.title,
        "question_set": invitation.question_set,
        "counts": dict(kinds),
        "total_questions": sum(kinds.values()),
        "duration_minutes": invitation.duration_minutes + invitation.extra_minutes,
        "extra_minutes": invitation.extra_minutes,
        "expires_at": invitation.expires_at,
        "already_started": False,
    }


@require_POST
def start(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get_by_token(token=token)
    if invitation is None:
        return _unknown(request)
    try:
        attempt_start(invitation=invitation)
    except ApplicationError:
        return _landing_response(request, token)  # the page explains why it cannot start
    return redirect("candidate-attempt", token=token)


@require_http_methods(["GET"])
def attempt_page(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get_by_token(token=token)
    if invitation is None:
        return _unknown(request)
    if invitation_link_state(invitation) != LinkState.STARTED:
        return redirect("candidate-landing", token=token)
    attempt = attempt_get_by_token(token=token)
    api_base = str(reverse("candidate-api-state", args=[token])).removesuffix("state/")
    context = {
        "token": token,
        "state": attempt_state(attempt),
        "api_base": api_base,
        "clock_poll_ms": settings.CANDIDATE_CLOCK_POLL_SECONDS * 1000,
    }
    return render(request, "candidate/attempt.html", context)

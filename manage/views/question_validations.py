"""Validating and publishing a coding question: Validate queues a run of the reference on every test in the
sandbox (a job on the ``samples`` queue: a run can take far longer than a request may hold a web worker); its
page shows each test's result, refreshing itself while the job runs; Publish takes a pass of the current content."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.models import CodingSpec, Question
from assessments.selectors.questions import coding_spec_current, question_get
from common.exceptions import ConflictError
from grading.selectors.validations import spec_validation_state
from grading.services import spec_validation_publish, spec_validation_request
from manage.views.base import found_or_404
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import MANAGER_ROLES

REFRESH_SECONDS = 2


def _question_and_spec(membership: Membership, pk: int) -> tuple[Question, CodingSpec]:
    question = found_or_404(question_get, organisation=membership.organisation, pk=pk)
    spec = coding_spec_current(question=question)
    if spec is None:
        raise Http404("This question has no code to validate.")
    return question, spec


def _to_validation(request: HttpRequest, question: Question) -> HttpResponse:
    return HttpResponseRedirect(reverse("manage-question-validation", args=[question.pk]) + organisation_query(request))


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def question_validate_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    question, spec = _question_and_spec(membership, pk)
    user = request.user if request.user.is_authenticated else None
    spec_validation_request(spec=spec, requested_by=user)
    return _to_validation(request, question)


@organisation_page(roles=MANAGER_ROLES)
def question_validation_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    question, spec = _question_and_spec(membership, pk)
    return _page(request, membership, question, spec)


def _page(
    request: HttpRequest, membership: Membership, question: Question, spec: CodingSpec, *, status: int = 200
) -> HttpResponse:
    state = spec_validation_state(spec=spec)
    context = {
        "organisation": membership.organisation,
        "question": question,
        "spec": spec,
        "state": state,
        "refresh_seconds": REFRESH_SECONDS if state.pending else None,
        "suffix": organisation_query(request),
    }
    response = render(request, "manage/questions/validation.html", context, status=status)
    if state.pending:  # the page refreshes itself until the run is over (no script needed)
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def question_publish_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    question, spec = _question_and_spec(membership, pk)
    try:
        spec_validation_publish(spec=spec)
    except ConflictError as exc:
        messages.error(request, exc.message)
        return _page(request, membership, question, spec, status=409)
    messages.success(request, "Published: the question can be used in invitations.")
    return _to_validation(request, question)

"""Attempts: the organisation's, a candidate's by their link, and what the candidate's page sees of one.

Hidden tests and expected values of hidden tests never appear in what the candidate sees.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from assessments.models import Attempt, AttemptQuestion, CodeSubmission, CodingSpec, SubmissionPurpose, Visibility
from assessments.selectors.submissions import submission_view
from assessments.services.answers import answer_limit
from common.exceptions import NotFoundError
from common.lookups import one_or_not_found
from common.markdown import render_markdown
from organisations.models import Organisation


def attempt_list(*, organisation: Organisation) -> QuerySet[Attempt]:
    return Attempt.objects.filter(organisation=organisation).select_related("invitation__stage", "organisation")


def attempt_get(*, organisation: Organisation, pk: int) -> Attempt:
    return one_or_not_found(attempt_list(organisation=organisation), pk, "attempt")


def attempt_get_by_token(*, token: str) -> Attempt:
    """The attempt a candidate's link has started; the token is the candidate's only credential."""
    attempt = Attempt.objects.select_related("invitation").filter(invitation__token=token).first() if token else None
    if attempt is None:
        raise NotFoundError("No started assessment for this link.")
    return attempt


def attempt_clock(attempt: Attempt) -> dict[str, Any]:
    """The attempt's status and time as the candidate's page shows them; it polls this (``api/clock/``)
    to follow an extension of the deadline without a reload."""
    return {
        "status": attempt.status,
        "started_at": attempt.started_at.isoformat(),
        "deadline": attempt.deadline.isoformat(),
        "server_now": timezone.now().isoformat(),
        "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
        "finalised_by_deadline": attempt.finalised_by_deadline,
    }


def attempt_state(attempt: Attempt) -> dict[str, Any]:
    """The candidate's page's state: the attempt's clock, its questions with their answers, its final submissions."""
    questions = (
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("revision__question", "answer", "revision__coding_spec")
        .order_by("position")
    )
    return {
        "attempt": attempt_clock(attempt),
        "questions": [_question(question) for question in questions],
        "final_submissions": [
            submission_view(s)
            for s in CodeSubmission.objects.filter(attempt_question__attempt=attempt, purpose=SubmissionPurpose.FINAL)
            .select_related("attempt_question")
            .order_by("attempt_question__position")
        ],
    }


def _question(question: AttemptQuestion) -> dict[str, Any]:
    revision = question.revision
    limit, unit = answer_limit(question)
    return {
        "id": question.pk,
        "position": question.position,
        "section": question.section_title,
        "kind": revision.question.kind,
        "title": revision.question.title,
        "prompt_html": render_markdown(revision.prompt),
        "answer": {"body": question.answer.body, "version": question.answer.version},
        "limit": {"size": limit, "unit": unit},
        "coding": _coding(question, revision.coding_spec) if hasattr(revision, "coding_spec") else None,
    }


def _coding(question: AttemptQuestion, spec: CodingSpec) -> dict[str, Any]:
    samples = spec.test_cases.filter(visibility=Visibility.SAMPLE).order_by("position")
    last_run = question.submissions.filter(purpose=SubmissionPurpose.SAMPLES).order_by("-created_at").first()
    return {
        "function_name": spec.function_name,
        "signature": spec.signature,
        "starter_code": spec.starter_code,
        "cpu_seconds": spec.cpu_seconds,
        "wall_seconds": spec.wall_seconds,
        "memory_mb": spec.memory_mb,
        "samples": [
            {"name": t.name, "args": t.args, "expected": t.expected, "expected_exception": t.expected_exception}
            for t in samples
        ],
        "last_run": submission_view(last_run) if last_run else None,
    }

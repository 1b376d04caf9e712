"""Side-by-side view of two final submissions flagged as similar: evidence for a reviewer, never a verdict."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.models import CodeSubmission, Organisation, SubmissionPurpose
from grading.similarity import similar_pairs
from manage.views.candidates import _manager_membership


def _final_submission(organisation: Organisation, pk: int) -> CodeSubmission:
    # Another organisation's submission, a draft run and a missing one look the same: 404.
    submission = (
        CodeSubmission.objects.filter(
            pk=pk, purpose=SubmissionPurpose.FINAL, attempt_question__attempt__organisation=organisation
        )
        .select_related(
            "attempt_question__revision__question",
            "attempt_question__revision__coding_spec",
            "attempt_question__attempt__invitation__candidate",
        )
        .first()
    )
    if submission is None:
        raise Http404("No such submission.")
    return submission


def _lines(source: str, ranges: list[tuple[int, int]]) -> list[dict[str, Any]]:
    return [
        {"number": number, "text": text, "matched": any(a <= number <= b for a, b in ranges)}
        for number, text in enumerate(source.splitlines(), start=1)
    ]


def _side(submission: CodeSubmission, ranges: list[tuple[int, int]]) -> dict[str, Any]:
    return {
        "submission": submission,
        "candidate": submission.attempt_question.attempt.invitation.candidate,
        "ranges": ranges,
        "lines": _lines(submission.source, ranges),
    }


@login_required
def similarity_view(request: HttpRequest, submission_a: int, submission_b: int) -> HttpResponse:
    membership = _manager_membership(request)
    a = _final_submission(membership.organisation, submission_a)
    b = _final_submission(membership.organisation, submission_b)
    question = a.attempt_question.revision.question
    if a.pk == b.pk or b.attempt_question.revision.question_id != question.pk:
        raise Http404("These submissions do not answer the same question.")
    spec = getattr(a.attempt_question.revision, "coding_spec", None)
    pairs = similar_pairs({a.pk: a.source, b.pk: b.source}, spec.starter_code if spec else "", 0.0)
    pair = pairs[0] if pairs else None
    lines_a = (pair.lines_a if pair.a == a.pk else pair.lines_b) if pair else []
    lines_b = (pair.lines_b if pair.a == a.pk else pair.lines_a) if pair else []
    context = {
        "organisation": membership.organisation,
        "question": question,
        "score": pair.score if pair else None,
        "sides": [_side(a, lines_a), _side(b, lines_b)],
    }
    return render(request, "manage/similarity.html", context)

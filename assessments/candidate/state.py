"""What the candidate's page sees. Hidden tests and expected values of hidden tests never appear here."""

from typing import Any

from django.utils import timezone

from assessments.models import Attempt, AttemptQuestion, CodeSubmission, CodingSpec, SubmissionPurpose, Visibility
from assessments.services.answers import answer_limit
from common.markdown import render_markdown


def attempt_state(attempt: Attempt) -> dict[str, Any]:
    questions = (
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("revision__question", "answer", "revision__coding_spec")
        .order_by("position")
    )
    return {
        "attempt": {
            "status": attempt.status,
            "started_at": attempt.started_at.isoformat(),
            "deadline": attempt.deadline.isoformat(),
            "server_now": timezone.now().isoformat(),
            "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
            "finalised_by_deadline": attempt.finalised_by_deadline,
        },
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


def submission_view(submission: CodeSubmission) -> dict[str, Any]:
    """A submission as the candidate may see it: sample runs in full, hidden tests as verdicts only."""
    result = submission.results.order_by("-created_at").first()
    view: dict[str, Any] = {
        "id": submission.pk,
        "question_id": submission.attempt_question_id,
        "purpose": submission.purpose,
        "status": submission.status,
        "verdict": result.verdict if result else None,
        "score": result.score if result else None,
        "compile_message": result.compile_message if result else "",
        "tests": [],
    }
    if result is None:
        return view
    rows = result.test_results.select_related("test_case").order_by("test_case__position")
    if submission.purpose == SubmissionPurpose.SAMPLES:
        view["tests"] = [_sample_row(row) for row in rows]
    else:
        if result.verdict == "internal_error":
            view["compile_message"] = ""  # platform detail; a compile or import error is about the candidate's code
        view["tests"] = [{"index": index, "verdict": row.verdict} for index, row in enumerate(rows, start=1)]
    return view


def _sample_row(row: Any) -> dict[str, Any]:
    test = row.test_case
    return {
        "name": test.name,
        "verdict": row.verdict,
        "args": test.args,
        "expected": test.expected_exception or test.expected,
        "actual": row.actual,
        "stdout": row.stdout,
        "stderr": row.stderr,
        "message": row.checker_message,
    }

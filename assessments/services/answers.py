"""What a candidate writes during an attempt: answers, sample runs, integrity events, submit."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from assessments.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CodeSubmission,
    IntegrityEvent,
    IntegrityEventKind,
    QuestionKind,
    SubmissionPurpose,
)
from assessments.services.attempts import attempt_is_writable, attempt_mark_graded
from assessments.services.events import attempt_event_record
from assessments.services.invitations import invitation_touch
from assessments.services.submissions import submission_create
from common.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError, size_check

ANSWER_MAX_CHARS = 20_000
MAX_EVENTS_PER_CALL = 100


def answer_limit(attempt_question: AttemptQuestion) -> tuple[int, str]:
    if attempt_question.revision.question.kind == QuestionKind.CODING:
        return settings.SUBMISSION_MAX_SOURCE_BYTES, "bytes"
    return ANSWER_MAX_CHARS, "characters"


def answer_size_check(attempt_question: AttemptQuestion, body: str) -> None:
    """An answer (or code) over its kind's limit is refused with ``too_large``, whatever route it came by."""
    limit, unit = answer_limit(attempt_question)
    size_check("This answer", size=len(body.encode()) if unit == "bytes" else len(body), limit=limit, unit=unit)


def attempt_question_get(*, attempt: Attempt, attempt_question_id: int) -> AttemptQuestion:
    found = (
        AttemptQuestion.objects.select_related("revision__question", "answer")
        .filter(attempt=attempt, pk=attempt_question_id)
        .first()
    )
    if found is None:
        raise NotFoundError(f"Question {attempt_question_id} is not part of this assessment.")
    return found


@transaction.atomic
def answer_save(*, attempt: Attempt, attempt_question_id: int, body: str, version: int) -> Answer:
    """Save an answer if the client saw the current version (a stale tab never overwrites newer work)."""
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    attempt_is_writable(attempt)
    attempt_question = attempt_question_get(attempt=attempt, attempt_question_id=attempt_question_id)
    answer_size_check(attempt_question, body)
    answer = Answer.objects.select_for_update().get(attempt_question=attempt_question)
    if version != answer.version:
        raise ConflictError(
            "This answer was saved from another tab or device; reload to see the newest version.",
            code="stale_version",
            details={"current_version": answer.version},
        )
    if body != answer.body:
        answer.body = body
        answer.version += 1
        answer.save(update_fields=["body", "version", "updated_at"])
    return answer


@transaction.atomic
def samples_run(*, attempt: Attempt, attempt_question_id: int, source: str) -> CodeSubmission:
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    attempt_is_writable(attempt)
    attempt_question = attempt_question_get(attempt=attempt, attempt_question_id=attempt_question_id)
    answer_size_check(attempt_question, source)
    return submission_create(attempt_question=attempt_question, source=source, purpose=SubmissionPurpose.SAMPLES)


@dataclass(frozen=True)
class SubmitResult:
    attempt: Attempt
    submissions: list[CodeSubmission]


@transaction.atomic
def attempt_submit(*, attempt: Attempt, by_deadline: bool = False, now: datetime | None = None) -> SubmitResult:
    """Freeze the answers and queue each coding answer for grading on the hidden tests. Once only."""
    now = now or timezone.now()
    in_time = {} if by_deadline else {"deadline__gt": now - timedelta(seconds=settings.ATTEMPT_SUBMIT_GRACE_SECONDS)}
    frozen = Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS, **in_time).update(
        status=AttemptStatus.SUBMITTED, submitted_at=now, finalised_by_deadline=by_deadline, updated_at=now
    )
    if not frozen:
        _submit_refused(attempt_id=attempt.pk)
    invitation_touch(invitation_id=attempt.invitation_id, now=now)
    attempt_event_record(attempt_id=attempt.pk, type="attempt.submitted")
    coding = AttemptQuestion.objects.filter(attempt=attempt, revision__question__kind=QuestionKind.CODING)
    submissions = [
        submission_create(attempt_question=question, source=question.answer.body, purpose=SubmissionPurpose.FINAL)
        for question in coding.select_related("answer", "revision__question").order_by("position")
    ]
    if not submissions:
        attempt_mark_graded(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    return SubmitResult(attempt=attempt, submissions=submissions)


def _submit_refused(*, attempt_id: int) -> NoReturn:
    """Twice is a conflict; after the deadline and its grace the sweep submits the saved work, not the candidate."""
    if Attempt.objects.filter(pk=attempt_id, status=AttemptStatus.IN_PROGRESS).exists():
        raise PermissionDeniedError(
            "Time is up: the deadline has passed. Your saved work is submitted for you.", code="deadline_passed"
        )
    raise ConflictError("This assessment has already been submitted.", code="already_submitted")


def attempts_finalise_expired(*, now: datetime | None = None) -> list[int]:
    """Submit every attempt whose deadline has passed; the candidate's saved work is what counts."""
    now = now or timezone.now()
    finalised = []
    expired = Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lte=now).values_list("pk", flat=True)
    for attempt in Attempt.objects.filter(pk__in=list(expired[:500])):
        try:
            attempt_submit(attempt=attempt, by_deadline=True, now=now)
        except ConflictError:
            continue  # submitted meanwhile by the candidate
        finalised.append(attempt.pk)
    return finalised


def integrity_events_record(*, attempt: Attempt, events: list[dict[str, Any]]) -> int:
    """Store evidence for reviewers (never an automatic decision). Malformed events are refused whole."""
    if len(events) > MAX_EVENTS_PER_CALL:
        raise ApplicationError(f"At most {MAX_EVENTS_PER_CALL} events per call.", code="too_many_events")
    question_ids = set(AttemptQuestion.objects.filter(attempt=attempt).values_list("pk", flat=True))
    rows = [_event(attempt, event, question_ids, index) for index, event in enumerate(events)]
    IntegrityEvent.objects.bulk_create(rows)
    return len(rows)


def _event(attempt: Attempt, event: dict[str, Any], question_ids: set[int], index: int) -> IntegrityEvent:
    kind = event.get("kind")
    question_id = event.get("question_id")
    occurred = parse_datetime(str(event.get("at") or "")) if event.get("at") else timezone.now()
    data = event.get("data") or {}
    problems = []
    if kind not in IntegrityEventKind.values:
        problems.append(f"kind must be one of {IntegrityEventKind.values}")
    if question_id is not None and question_id not in question_ids:
        problems.append("question_id is not part of this assessment")
    if occurred is None or not isinstance(data, dict) or len(str(data)) > 1000:
        problems.append("at must be an ISO time and data a small object")
    if problems:
        raise ApplicationError("Invalid integrity event.", code="invalid", details={str(index): problems})
    assert kind is not None and occurred is not None  # validated above
    return IntegrityEvent(attempt=attempt, attempt_question_id=question_id, kind=kind, data=data, occurred_at=occurred)

"""What a candidate writes during an attempt: answers, sample runs, integrity events, submit."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from assessments.models import (
    INTEGRITY_EVENT_NUMBERS,
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CodeSubmission,
    IntegrityEvent,
    IntegrityEventKind,
    QuestionKind,
    SubmissionPurpose,
    SubmissionStatus,
)
from assessments.services.attempts import attempt_is_writable, attempt_mark_graded
from assessments.services.events import attempt_event_record
from assessments.services.invitations import invitation_touch
from assessments.services.submissions import submission_create
from common.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    TooManyRequestsError,
    size_check,
)

ANSWER_MAX_CHARS = 20_000
MAX_EVENTS_PER_CALL = 100
MAX_EVENTS_PER_ATTEMPT = 2_000
EVENT_FIELDS = {"kind", "question_id", "data", "at"}


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


SAMPLE_RUN_IN_FLIGHT = (SubmissionStatus.QUEUED, SubmissionStatus.RUNNING)


@transaction.atomic
def samples_run(*, attempt: Attempt, attempt_question_id: int, source: str) -> CodeSubmission:
    """Queue a sample run: one in flight per question and a rate per attempt (DESIGN.md, grading point 8).

    The attempt's row lock makes the checks and the insert one step: of two simultaneous requests the
    second waits for the first to commit and then sees its run.
    """
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    attempt_is_writable(attempt)
    attempt_question = attempt_question_get(attempt=attempt, attempt_question_id=attempt_question_id)
    answer_size_check(attempt_question, source)
    _sample_run_in_flight_check(attempt_question)
    _sample_run_rate_check(attempt)
    return submission_create(attempt_question=attempt_question, source=source, purpose=SubmissionPurpose.SAMPLES)


def _sample_run_in_flight_check(attempt_question: AttemptQuestion) -> None:
    runs = attempt_question.submissions.filter(purpose=SubmissionPurpose.SAMPLES, status__in=SAMPLE_RUN_IN_FLIGHT)
    if runs.exists():
        raise TooManyRequestsError(
            "A sample run of this question is still queued or running; wait for its result.",
            code="sample_run_in_progress",
            retry_after=settings.SAMPLE_RUN_RETRY_SECONDS,
        )


def _sample_run_rate_check(attempt: Attempt) -> None:
    now = timezone.now()
    window = timedelta(seconds=settings.SAMPLE_RUNS_WINDOW_SECONDS)
    recent = CodeSubmission.objects.filter(
        attempt_question__attempt=attempt, purpose=SubmissionPurpose.SAMPLES, created_at__gt=now - window
    ).order_by("-created_at")
    limit = settings.SAMPLE_RUNS_PER_ATTEMPT
    oldest_counted = recent.values_list("created_at", flat=True)[limit - 1 : limit].first()
    if oldest_counted is not None:
        raise TooManyRequestsError(
            f"At most {limit} sample runs per {settings.SAMPLE_RUNS_WINDOW_SECONDS / 60:g} minutes; try again later.",
            code="sample_run_rate_limited",
            retry_after=(oldest_counted + window - now).total_seconds(),
        )


@dataclass(frozen=True)
class SubmitResult:
    attempt: Attempt
    submissions: list[CodeSubmission]


@transaction.atomic
def attempt_submit(*, attempt: Attempt, by_deadline: bool = False, now: datetime | None = None) -> SubmitResult:
    """Freeze the answers and queue each coding answer for grading on the hidden tests. Once only."""
    now = now or timezone.now()
    frozen = Attempt.objects.filter(
        pk=attempt.pk, status=AttemptStatus.IN_PROGRESS, **_in_time(by_deadline, now)
    ).update(status=AttemptStatus.SUBMITTED, submitted_at=now, finalised_by_deadline=by_deadline, updated_at=now)
    if not frozen:
        _submit_refused(attempt_id=attempt.pk, by_deadline=by_deadline)
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


def _in_time(by_deadline: bool, now: datetime) -> dict[str, datetime]:
    """The candidate: before the deadline and its grace. The sweep: at or after the deadline, read afresh in the
    update itself, so an extension committed since the sweep listed the attempt keeps it open."""
    if by_deadline:
        return {"deadline__lte": now}
    return {"deadline__gt": now - timedelta(seconds=settings.ATTEMPT_SUBMIT_GRACE_SECONDS)}


def _submit_refused(*, attempt_id: int, by_deadline: bool) -> NoReturn:
    """Twice is a conflict; after the deadline and its grace the sweep submits the saved work, not the candidate."""
    in_progress = Attempt.objects.filter(pk=attempt_id, status=AttemptStatus.IN_PROGRESS).exists()
    if in_progress and by_deadline:
        raise ConflictError("The deadline was extended meanwhile; the attempt stays open.", code="deadline_moved")
    if in_progress:
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
            continue  # submitted meanwhile by the candidate, or given more time
        finalised.append(attempt.pk)
    return finalised


@transaction.atomic
def integrity_events_record(*, attempt: Attempt, events: list[Any], now: datetime | None = None) -> int:
    """Store evidence for reviewers (never an automatic decision) while the attempt is open.

    Malformed events are refused whole; an attempt holds at most ``MAX_EVENTS_PER_ATTEMPT``. The row lock
    makes the count exact under concurrent calls. The client's ``at`` is kept beside the server's time.
    """
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    attempt_is_writable(attempt, now)
    if len(events) > MAX_EVENTS_PER_CALL:
        raise ApplicationError(f"At most {MAX_EVENTS_PER_CALL} events per call.", code="too_many_events")
    question_ids = set(AttemptQuestion.objects.filter(attempt=attempt).values_list("pk", flat=True))
    rows = [_event(attempt, event, question_ids, index, now) for index, event in enumerate(events)]
    recorded = IntegrityEvent.objects.filter(attempt=attempt).count()
    if recorded + len(rows) > MAX_EVENTS_PER_ATTEMPT:
        raise ConflictError(
            f"This assessment has recorded its {MAX_EVENTS_PER_ATTEMPT} integrity events; no more are kept.",
            code="event_limit_reached",
            details={"limit": MAX_EVENTS_PER_ATTEMPT, "recorded": recorded},
        )
    IntegrityEvent.objects.bulk_create(rows)
    return len(rows)


def _event(attempt: Attempt, event: Any, question_ids: set[int], index: int, now: datetime) -> IntegrityEvent:
    problems = _event_problems(event, question_ids) if isinstance(event, dict) else ["an event is an object"]
    occurred = _client_time(event.get("at")) if not problems else None
    if not problems and occurred is None:
        problems.append("at must be an ISO 8601 time with a UTC offset")
    if problems:
        raise ApplicationError("Invalid integrity event.", code="invalid", details={str(index): problems})
    assert occurred is not None  # checked above
    return IntegrityEvent(
        attempt=attempt,
        attempt_question_id=event.get("question_id"),
        kind=event["kind"],
        data=event.get("data") or {},
        occurred_at=occurred,
        received_at=now,
    )


def _event_problems(event: dict[str, Any], question_ids: set[int]) -> list[str]:
    problems = [f"unknown field {name!r}" for name in sorted(set(event) - EVENT_FIELDS, key=str)]
    kind, question_id, data = event.get("kind"), event.get("question_id"), event.get("data", {})
    data = {} if data is None else data
    if not isinstance(kind, str) or kind not in IntegrityEventKind.values:
        return [*problems, f"kind must be one of {IntegrityEventKind.values}"]
    known = isinstance(question_id, int) and not isinstance(question_id, bool) and question_id in question_ids
    if question_id is not None and not known:
        problems.append("question_id is not part of this assessment")
    if not isinstance(data, dict):
        return [*problems, "data must be an object"]
    return problems + _data_problems(kind, data)


def _data_problems(kind: str, data: dict[str, Any]) -> list[str]:
    """Each kind's ``data`` holds exactly the fields ``integrity.js`` sends (``EVENT_DATA``), each within range."""
    fields = EVENT_DATA[kind]
    problems = [f"data.{name} is not part of a {kind} event" for name in sorted(set(data) - set(fields), key=str)]
    for name, (required, (expected, check)) in fields.items():
        if name in data and not check(data[name]):
            problems.append(f"data.{name} must be {expected}")
        elif name not in data and required:
            problems.append(f"data.{name} is required")
    return problems


def _whole(value: Any, maximum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= maximum


def _number(value: Any, maximum: int) -> bool:
    return _whole(value, maximum) or (isinstance(value, float) and 0 <= value <= maximum)  # NaN and inf fail


_SECONDS_MAX = INTEGRITY_EVENT_NUMBERS[IntegrityEventKind.QUESTION_TIME][1]
_CHARS_MAX = INTEGRITY_EVENT_NUMBERS[IntegrityEventKind.PASTE][1]
_Check = tuple[str, Callable[[Any], bool]]
_SECONDS: _Check = (f"a number from 0 to {_SECONDS_MAX}", lambda value: _number(value, _SECONDS_MAX))
_CHARS: _Check = (f"a whole number from 0 to {_CHARS_MAX}", lambda value: _whole(value, _CHARS_MAX))
_VIA: _Check = ('"paste" or "drop"', lambda value: value in ("paste", "drop"))
# kind → field → (required, check): the time on a question, the time away on returning, a paste's size.
EVENT_DATA: dict[str, dict[str, tuple[bool, _Check]]] = {
    IntegrityEventKind.QUESTION_TIME: {"seconds": (True, _SECONDS)},
    IntegrityEventKind.FOCUS: {"seconds": (False, _SECONDS)},
    IntegrityEventKind.PASTE: {"chars": (True, _CHARS), "via": (False, _VIA)},
    IntegrityEventKind.BLUR: {},
}


def _client_time(value: Any) -> datetime | None:
    """The client's clock as sent (a reviewer sees it beside the server's); the server's time when absent."""
    if value is None:
        return timezone.now()
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well-formed but impossible, e.g. month 13
        return None
    return parsed if parsed is not None and not timezone.is_naive(parsed) else None

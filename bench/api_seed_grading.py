"""The graded side of the API benchmark's data: final code, grading results per test, integrity events, scorecards."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from assessments.models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CodeSubmission,
    CodingSpec,
    IntegrityEvent,
    IntegrityEventKind,
    Loop,
    QuestionRevision,
    StageKind,
    SubmissionPurpose,
    SubmissionStatus,
    TestCase,
)
from assessments.services.coding import spec_test_revision
from grading.models import GradingResult, TestResult, Verdict
from grading.verdicts import overall_verdict, weighted_score
from rubrics.models import Rating, Recommendation, Scorecard, ScorecardStatus
from rubrics.services.scorecards import scorecard_criteria

BATCH = 2000
IMAGE_DIGEST = "sha256:" + "5eed" * 16
WRONG_TEST_SHARE = 0.12
SCORECARD_SHARE = 1 / 3


@dataclass(frozen=True)
class Pinned:
    """One question of the assessment as every attempt pins it."""

    revision: QuestionRevision
    position: int
    section_title: str
    points: float
    spec: CodingSpec | None


def final_submissions_create(
    pinned: list[Pinned], attempts: list[Attempt], rows: list[AttemptQuestion], rng: random.Random
) -> None:
    """A final submission per coding question of every finished attempt; graded ones get their results."""
    submissions, specs = [], []
    for index, attempt in enumerate(attempts):
        if attempt.status == AttemptStatus.IN_PROGRESS:
            continue
        graded = attempt.status == AttemptStatus.GRADED
        attempt_rows = rows[index * len(pinned) : (index + 1) * len(pinned)]
        for p, row in zip(pinned, attempt_rows, strict=True):
            if p.spec is None:
                continue
            submissions.append(
                CodeSubmission(
                    attempt_question=row,
                    purpose=SubmissionPurpose.FINAL,
                    source=p.spec.reference_solution,
                    status=SubmissionStatus.GRADED if graded else SubmissionStatus.QUEUED,
                    delivery_count=int(graded),
                )
            )
            specs.append(p.spec)
    submissions = CodeSubmission.objects.bulk_create(submissions, batch_size=BATCH)
    graded_pairs = [
        (s, spec) for s, spec in zip(submissions, specs, strict=True) if s.status == SubmissionStatus.GRADED
    ]
    _results_create(graded_pairs, rng)


def _results_create(graded: list[tuple[CodeSubmission, CodingSpec]], rng: random.Random) -> None:
    tests = {spec.pk: list(spec.test_cases.order_by("position")) for spec in {spec for _, spec in graded}}
    revisions = {spec.pk: spec_test_revision(spec) for _, spec in graded}
    results, verdict_lists = [], []
    for submission, spec in graded:
        verdicts = [
            Verdict.WRONG_ANSWER if rng.random() < WRONG_TEST_SHARE else Verdict.ACCEPTED for _ in tests[spec.pk]
        ]
        limits = {"cpu_seconds": spec.cpu_seconds, "wall_seconds": spec.wall_seconds, "memory_mb": spec.memory_mb}
        results.append(
            GradingResult(
                submission=submission,
                verdict=overall_verdict(verdicts),
                score=weighted_score([test.weight for test in tests[spec.pk]], verdicts),
                image_digest=IMAGE_DIGEST,
                runtime="runc",
                test_revision=revisions[spec.pk],
                limits=limits,
                duration_ms=rng.randint(300, 900),
            )
        )
        verdict_lists.append((tests[spec.pk], verdicts))
    results = GradingResult.objects.bulk_create(results, batch_size=BATCH)
    rows = [
        _test_result(result, test, verdict, rng)
        for result, (cases, verdicts) in zip(results, verdict_lists, strict=True)
        for test, verdict in zip(cases, verdicts, strict=True)
    ]
    TestResult.objects.bulk_create(rows, batch_size=BATCH)


def _test_result(result: GradingResult, test: TestCase, verdict: Verdict, rng: random.Random) -> TestResult:
    actual = {"value": test.expected} if verdict == Verdict.ACCEPTED else {"value": None}
    message = "" if verdict == Verdict.ACCEPTED else "expected a different value"
    return TestResult(
        result=result,
        test_case=test,
        verdict=verdict,
        actual=actual,
        checker_message=message,
        cpu_ms=rng.randint(1, 40),
        wall_ms=rng.randint(2, 60),
        memory_kb=rng.randint(20_000, 60_000),
    )


def attempt_extras_create(attempts: list[Attempt], rows: list[AttemptQuestion], rng: random.Random) -> None:
    """A few integrity events per attempt: left the page, came back, time on a question."""
    per_attempt = len(rows) // len(attempts) if attempts else 0
    events = []
    for index, attempt in enumerate(attempts):
        question = rows[index * per_attempt + rng.randrange(per_attempt)]
        left = attempt.started_at + timedelta(minutes=rng.uniform(1, 15))
        events += [
            IntegrityEvent(attempt=attempt, kind=IntegrityEventKind.BLUR, occurred_at=left),
            IntegrityEvent(attempt=attempt, kind=IntegrityEventKind.FOCUS, occurred_at=left + timedelta(seconds=20)),
            IntegrityEvent(
                attempt=attempt,
                attempt_question=question,
                kind=IntegrityEventKind.QUESTION_TIME,
                data={"seconds": rng.randint(30, 900)},
                occurred_at=left + timedelta(minutes=5),
            ),
        ]
    IntegrityEvent.objects.bulk_create(events, batch_size=BATCH)


def scorecards_create(loop: Loop, graded: list[Attempt], rng: random.Random) -> None:
    """Submitted scorecards, every interviewer of every interview stage, for a third of the graded candidates."""
    chosen = [attempt.invitation.candidate_id for attempt in graded if rng.random() < SCORECARD_SHARE]
    stages = loop.stages.filter(kind=StageKind.INTERVIEW).prefetch_related("interviewers")
    cards, criteria_per_card = [], []
    for stage in stages:
        for interviewer in stage.interviewers.all():
            criteria = scorecard_criteria(stage=stage, interviewer_id=interviewer.pk)
            for candidate_id in chosen:
                cards.append(_scorecard(loop, stage.pk, interviewer, candidate_id, rng))
                criteria_per_card.append(criteria)
    cards = Scorecard.objects.bulk_create(cards, batch_size=BATCH)
    ratings = [
        Rating(scorecard=card, question_id=question_id, criterion_id=criterion_id, score=rng.randint(1, 4))
        for card, criteria in zip(cards, criteria_per_card, strict=True)
        for question_id, criterion_ids in criteria.items()
        for criterion_id in criterion_ids
    ]
    Rating.objects.bulk_create(ratings, batch_size=BATCH)


def _scorecard(loop: Loop, stage_id: int, interviewer: User, candidate_id: int, rng: random.Random) -> Scorecard:
    return Scorecard(
        organisation_id=loop.organisation_id,
        candidate_id=candidate_id,
        stage_id=stage_id,
        interviewer=interviewer,
        status=ScorecardStatus.SUBMITTED,
        recommendation=rng.choice(Recommendation.values),
        key_takeaways="Explained the trade-offs clearly; needed a hint on the edge cases.",
        submitted_at=timezone.now(),
        version=1,
    )

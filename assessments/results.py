"""An attempt's results as an ATS reads them: per-question scores, the verdict summary, rubric aggregates.

Read in a fixed number of queries whatever the number of questions, tests or scorecards. Scorecards
count only once submitted (a manager's view: drafts are nobody's result yet).
"""

from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch
from django.urls import reverse

from assessments.models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CodeSubmission,
    QuestionKind,
    SubmissionPurpose,
    SubmissionStatus,
)
from assessments.report.selectors import stage_aggregate, weighted_rating
from grading.models import GradingResult, TestResult
from rubrics.models import Rating, Recommendation, Scorecard, ScorecardStatus


def attempt_questions(attempt: Attempt) -> list[AttemptQuestion]:
    finals = CodeSubmission.objects.filter(purpose=SubmissionPurpose.FINAL).prefetch_related(
        Prefetch("results", GradingResult.objects.order_by("-created_at", "-pk"))
    )
    return list(
        attempt.questions.select_related("revision__question", "answer")
        .prefetch_related(Prefetch("submissions", finals))
        .order_by("position")
    )


def weighted_score(scored: list[tuple[float, float]]) -> float | None:
    """Points-weighted mean of (points, score 0..1) pairs, as 0–100; None when nothing is scored."""
    total = sum(points for points, _ in scored)
    if not scored or total <= 0:
        return None
    return round(100 * sum(points * score for points, score in scored) / total, 2)


def attempt_score(attempt: Attempt) -> float | None:
    """The attempt's coding score, 0–100, weighted by points; None until a final submission is graded."""
    return weighted_score([(q.points, r.score) for q in attempt_questions(attempt) if (r := _graded_result(q))])


def attempt_result(*, attempt: Attempt) -> dict[str, Any]:
    questions = attempt_questions(attempt)
    verdicts = _verdict_counts([r.pk for q in questions if (r := _graded_result(q))])
    cards = _submitted_scorecards(attempt)
    ratings = _question_ratings(cards)
    rows = [_question_row(q, verdicts, ratings) for q in questions]
    scored = [(q.points, r.score) for q in questions if (r := _graded_result(q))]
    summary: Counter[str] = Counter()
    for row in rows:
        summary.update(row["coding"]["verdicts"] if row["coding"] else {})
    return {
        "attempt_id": attempt.pk,
        "candidate_id": attempt.invitation.candidate_id,
        "status": attempt.status,
        "complete": attempt.status == AttemptStatus.GRADED,
        "score": weighted_score(scored),
        "verdicts": dict(sorted(summary.items())),
        "questions": rows,
        "rubric": _rubric(attempt, cards),
        "report_url": report_url(attempt),
    }


def report_url(attempt: Attempt) -> str:
    url = settings.SITE_URL.rstrip("/") + reverse("manage-candidate-report", args=[attempt.invitation.candidate_id])
    stage = attempt.invitation.stage
    return f"{url}?loop={stage.loop_id}" if stage else url


def _graded_result(question: AttemptQuestion) -> GradingResult | None:
    final = next(iter(question.submissions.all()), None)  # at most one final per question (a constraint)
    if final is None or final.status != SubmissionStatus.GRADED:
        return None
    return next(iter(final.results.all()), None)


def _verdict_counts(result_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: defaultdict[int, dict[str, int]] = defaultdict(dict)
    rows = TestResult.objects.filter(result_id__in=result_ids).values("result_id", "verdict").annotate(n=Count("pk"))
    for row in rows:
        counts[row["result_id"]][row["verdict"]] = row["n"]
    return counts


def _question_row(
    question: AttemptQuestion, verdicts: dict[int, dict[str, int]], ratings: dict[int, list[int]]
) -> dict[str, Any]:
    revision = question.revision
    answer = getattr(question, "answer", None)
    scores = ratings.get(revision.question_id, [])
    return {
        "position": question.position,
        "question_id": revision.question_id,
        "key": revision.question.key,
        "title": revision.question.title,
        "kind": revision.question.kind,
        "section": question.section_title,
        "points": question.points,
        "answered": bool(answer and answer.body.strip()),
        "coding": _coding(question, verdicts) if revision.question.kind == QuestionKind.CODING else None,
        "rubric": {"mean_rating": round(sum(scores) / len(scores), 3), "ratings": len(scores)} if scores else None,
    }


def _coding(question: AttemptQuestion, verdicts: dict[int, dict[str, int]]) -> dict[str, Any]:
    final = next(iter(question.submissions.all()), None)
    result = _graded_result(question)
    counts = verdicts.get(result.pk, {}) if result else {}
    return {
        "submission_status": final.status if final else None,
        "verdict": result.verdict if result else None,
        "score": result.score if result else None,
        "tests_total": sum(counts.values()),
        "tests_passed": counts.get("accepted", 0),
        "verdicts": dict(sorted(counts.items())),
    }


def _submitted_scorecards(attempt: Attempt) -> list[Scorecard]:
    stage = attempt.invitation.stage
    if stage is None:
        return []
    return list(
        Scorecard.objects.filter(
            organisation_id=attempt.organisation_id,
            candidate_id=attempt.invitation.candidate_id,
            stage__loop_id=stage.loop_id,
            status=ScorecardStatus.SUBMITTED,
        ).prefetch_related(Prefetch("ratings", Rating.objects.select_related("criterion")))
    )


def _question_ratings(cards: list[Scorecard]) -> dict[int, list[int]]:
    by_question: defaultdict[int, list[int]] = defaultdict(list)
    for card in cards:
        for rating in card.ratings.all():
            by_question[rating.question_id].append(rating.score)
    return by_question


def _rubric(attempt: Attempt, cards: list[Scorecard]) -> dict[str, Any] | None:
    stage = attempt.invitation.stage
    if stage is None:
        return None
    submitted: list[dict[str, Any]] = [{"scorecard": card, "ratings": list(card.ratings.all())} for card in cards]
    aggregate = stage_aggregate(list(stage.loop.stages.order_by("position")), submitted)
    counts = Counter(card.recommendation for card in cards)
    return {
        "scorecards_submitted": len(cards),
        "overall": _rounded(aggregate["overall"]),
        "stages": [
            {"stage_id": row["stage"].pk, "title": row["stage"].title, "score": _rounded(row["score"])}
            for row in aggregate["stages"]
        ],
        "recommendations": {value: counts[value] for value in Recommendation.values},
        "mean_rating": _rounded(weighted_rating([r for card in submitted for r in card["ratings"]])),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)

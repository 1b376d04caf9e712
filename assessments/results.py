"""An attempt's results as an ATS reads them: per-question scores, the verdict summary, rubric aggregates.

Read as plain rows (``values()``), not model instances, in a fixed number of queries whatever the
number of questions, tests or scorecards: this is the read an ATS polls most. Scorecards count
only once submitted (a manager's view: drafts are nobody's result yet).
"""

from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, F, FloatField, Q, Sum
from django.db.models.functions import Length, Trim
from django.urls import reverse

from assessments.models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CodeSubmission,
    QuestionKind,
    Stage,
    SubmissionPurpose,
    SubmissionStatus,
)
from assessments.report.selectors import stage_weighted_overall
from grading.models import GradingResult, TestResult
from rubrics.models import Rating, Recommendation, Scorecard, ScorecardStatus

Row = dict[str, Any]
QUESTION_FIELDS = (
    "pk",
    "position",
    "section_title",
    "points",
    "answered",
    "revision__question_id",
    "revision__question__key",
    "revision__question__title",
    "revision__question__kind",
)


def weighted_score(scored: list[tuple[float, float]]) -> float | None:
    """Points-weighted mean of (points, score 0..1) pairs, as 0–100; None when nothing is scored."""
    total = sum(points for points, _ in scored)
    if not scored or total <= 0:
        return None
    return round(100 * sum(points * score for points, score in scored) / total, 2)


def attempt_score(attempt: Attempt) -> float | None:
    """The attempt's coding score, 0–100, weighted by points; None until a final submission is graded."""
    questions = _questions(attempt)
    return weighted_score([(q["points"], q["result"]["score"]) for q in questions if q["result"]])


def attempt_result(*, attempt: Attempt) -> dict[str, Any]:
    questions = _questions(attempt)
    verdicts = _verdict_counts([q["result"]["pk"] for q in questions if q["result"]])
    ratings = _submitted_ratings(attempt)
    rows = [_question_row(q, verdicts, ratings) for q in questions]
    summary: Counter[str] = Counter()
    for row in rows:
        summary.update(row["coding"]["verdicts"] if row["coding"] else {})
    return {
        "attempt_id": attempt.pk,
        "candidate_id": attempt.invitation.candidate_id,
        "status": attempt.status,
        "complete": attempt.status == AttemptStatus.GRADED,
        "score": weighted_score([(q["points"], q["result"]["score"]) for q in questions if q["result"]]),
        "verdicts": dict(sorted(summary.items())),
        "questions": rows,
        "rubric": _rubric(attempt, ratings),
        "report_url": report_url(attempt),
    }


def report_url(attempt: Attempt) -> str:
    url = settings.SITE_URL.rstrip("/") + reverse("manage-candidate-report", args=[attempt.invitation.candidate_id])
    stage = attempt.invitation.stage
    return f"{url}?loop={stage.loop_id}" if stage else url


# --- coding and written answers ------------------------------------------------------------------


def _questions(attempt: Attempt) -> list[Row]:
    """One row per question with its final submission and that submission's latest graded result."""
    questions = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .annotate(answer_length=Length(Trim("answer__body")))
        .annotate(answered=ExpressionWrapper(Q(answer_length__gt=0), output_field=BooleanField()))
        .order_by("position")
        .values(*QUESTION_FIELDS)
    )
    finals = {
        row["attempt_question_id"]: row
        for row in CodeSubmission.objects.filter(
            attempt_question__attempt=attempt, purpose=SubmissionPurpose.FINAL
        ).values("pk", "attempt_question_id", "status")
    }
    results = _latest_results([row["pk"] for row in finals.values() if row["status"] == SubmissionStatus.GRADED])
    for question in questions:
        final = finals.get(question["pk"])
        question["final"] = final
        question["result"] = results.get(final["pk"]) if final else None
    return questions


def _latest_results(submission_ids: list[int]) -> dict[int, Row]:
    latest: dict[int, Row] = {}
    rows = GradingResult.objects.filter(submission_id__in=submission_ids).order_by("-created_at", "-pk")
    for row in rows.values("pk", "submission_id", "verdict", "score"):
        latest.setdefault(row["submission_id"], dict(row))
    return latest


def _verdict_counts(result_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: defaultdict[int, dict[str, int]] = defaultdict(dict)
    rows = TestResult.objects.filter(result_id__in=result_ids).values("result_id", "verdict").annotate(n=Count("pk"))
    for row in rows:
        counts[row["result_id"]][row["verdict"]] = row["n"]
    return counts


def _question_row(question: Row, verdicts: dict[int, dict[str, int]], ratings: list[Row]) -> dict[str, Any]:
    is_coding = question["revision__question__kind"] == QuestionKind.CODING
    mine = [r for r in ratings if r["question_id"] == question["revision__question_id"]]
    count, total = sum(r["n"] for r in mine), sum(r["total"] for r in mine)
    return {
        "position": question["position"],
        "question_id": question["revision__question_id"],
        "key": question["revision__question__key"],
        "title": question["revision__question__title"],
        "kind": question["revision__question__kind"],
        "section": question["section_title"],
        "points": question["points"],
        "answered": bool(question["answered"]),
        "coding": _coding(question, verdicts) if is_coding else None,
        "rubric": {"mean_rating": round(total / count, 3), "ratings": count} if count else None,
    }


def _coding(question: Row, verdicts: dict[int, dict[str, int]]) -> dict[str, Any]:
    final, result = question["final"], question["result"]
    counts = verdicts.get(result["pk"], {}) if result else {}
    return {
        "submission_status": final["status"] if final else None,
        "verdict": result["verdict"] if result else None,
        "score": result["score"] if result else None,
        "tests_total": sum(counts.values()),
        "tests_passed": counts.get("accepted", 0),
        "verdicts": dict(sorted(counts.items())),
    }


# --- scorecards ----------------------------------------------------------------------------------


def _submitted_scorecards(attempt: Attempt) -> Q:
    stage = attempt.invitation.stage
    return Q(
        organisation_id=attempt.organisation_id,
        candidate_id=attempt.invitation.candidate_id,
        stage__loop_id=stage.loop_id if stage else None,
        status=ScorecardStatus.SUBMITTED,
    )


def _submitted_ratings(attempt: Attempt) -> list[Row]:
    """Submitted ratings summed in SQL per (stage, question): count, sum, weighted sum, weight."""
    if attempt.invitation.stage is None:
        return []
    cards = Scorecard.objects.filter(_submitted_scorecards(attempt)).values("pk")
    sums = (
        Rating.objects.filter(scorecard__in=cards)
        .values("scorecard__stage_id", "question_id")
        .annotate(
            n=Count("pk"),
            total=Sum("score"),
            weighted=Sum(F("score") * F("criterion__weight"), output_field=FloatField()),
            weight=Sum("criterion__weight"),
        )
    )
    return [dict(row) for row in sums]


def weighted_mean(ratings: list[Row]) -> float | None:
    """Criterion-weighted mean rating (1–4) over summed rating rows; None without any."""
    weight = sum(r["weight"] for r in ratings)
    return sum(r["weighted"] for r in ratings) / weight if weight else None


def _rubric(attempt: Attempt, ratings: list[Row]) -> dict[str, Any] | None:
    stage = attempt.invitation.stage
    if stage is None:
        return None
    stages = list(Stage.objects.filter(loop_id=stage.loop_id).order_by("position").values("pk", "title", "weight"))
    recommendations = Counter(
        Scorecard.objects.filter(_submitted_scorecards(attempt)).values_list("recommendation", flat=True)
    )
    by_stage = [(row, weighted_mean([r for r in ratings if r["scorecard__stage_id"] == row["pk"]])) for row in stages]
    return {
        "scorecards_submitted": sum(recommendations.values()),
        "overall": _rounded(stage_weighted_overall([(row["weight"], score) for row, score in by_stage])),
        "stages": [{"stage_id": row["pk"], "title": row["title"], "score": _rounded(score)} for row, score in by_stage],
        "recommendations": {value: recommendations[value] for value in Recommendation.values},
        "mean_rating": _rounded(weighted_mean(ratings)),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)

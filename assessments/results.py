"""An attempt's results as an ATS reads them: per-question scores, the verdict summary, rubric aggregates.

Read as plain rows, not model instances, by the prepared reads of ``result_reads`` (SQL compiled
once per process), in a fixed number of queries whatever the number of questions, tests or
scorecards: this is the read an ATS polls most. Scorecards count
only once submitted (a manager's view: drafts are nobody's result yet).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from assessments import result_reads as reads
from assessments.models import Attempt, AttemptStatus, QuestionKind
from assessments.report.selectors import stage_weighted_overall
from common.exceptions import NotFoundError
from common.links import site_url
from rubrics.models import Recommendation

Row = dict[str, Any]


@dataclass(frozen=True)
class AttemptHead:
    """What a result needs of the attempt itself."""

    pk: int
    status: str
    organisation_id: int
    candidate_id: int
    stage_id: int | None
    loop_id: int | None


def attempt_head(*, organisation_id: int, pk: int) -> AttemptHead:
    """The organisation's attempt ``pk``, or the API's 404 (another organisation's looks missing)."""
    row = reads.ATTEMPT_HEAD.first(organisation_id=organisation_id, pk=pk)
    if row is None:
        raise NotFoundError(f"No attempt with id {pk}.")
    return AttemptHead(**row)


def weighted_score(scored: list[tuple[float, float]]) -> float | None:
    """Points-weighted mean of (points, score 0..1) pairs, as 0–100; None when nothing is scored."""
    total = sum(points for points, _ in scored)
    if not scored or total <= 0:
        return None
    return round(100 * sum(points * score for points, score in scored) / total, 2)


def attempt_score(attempt: Attempt) -> float | None:
    """The attempt's coding score, 0–100, weighted by points; None until a final submission is graded."""
    questions = _questions(attempt.pk)
    return weighted_score([(q["points"], q["result"]["score"]) for q in questions if q["result"]])


def attempt_result(*, attempt: AttemptHead) -> dict[str, Any]:
    questions = _questions(attempt.pk)
    verdicts = _verdict_counts(attempt.pk)
    ratings = _submitted_ratings(attempt)
    rows = [_question_row(q, verdicts, ratings) for q in questions]
    summary: Counter[str] = Counter()
    for row in rows:
        summary.update(row["coding"]["verdicts"] if row["coding"] else {})
    return {
        "attempt_id": attempt.pk,
        "candidate_id": attempt.candidate_id,
        "status": attempt.status,
        "complete": attempt.status == AttemptStatus.GRADED,
        "score": weighted_score([(q["points"], q["result"]["score"]) for q in questions if q["result"]]),
        "verdicts": dict(sorted(summary.items())),
        "questions": rows,
        "rubric": _rubric(attempt, ratings),
        "report_url": report_url(attempt),
    }


def report_url(attempt: AttemptHead) -> str:
    url = site_url("manage-candidate-report", attempt.candidate_id)
    return f"{url}?loop={attempt.loop_id}" if attempt.loop_id else url


# --- coding and written answers ------------------------------------------------------------------


def _questions(attempt_id: int) -> list[Row]:
    """One row per question with its final submission and that submission's latest graded result."""
    questions = reads.QUESTIONS.rows(attempt_id=attempt_id)
    finals = {row["attempt_question_id"]: row for row in reads.FINAL_SUBMISSIONS.rows(attempt_id=attempt_id)}
    latest: dict[int, Row] = {}
    for row in reads.GRADED_FINAL_RESULTS.rows(attempt_id=attempt_id):  # newest first
        latest.setdefault(row["submission_id"], row)
    for question in questions:
        final = finals.get(question["pk"])
        question["final"] = final
        question["result"] = latest.get(final["pk"]) if final else None
    return questions


def _verdict_counts(attempt_id: int) -> dict[int, dict[str, int]]:
    """Tests per verdict for every result of the attempt's graded final submissions, by result."""
    counts: defaultdict[int, dict[str, int]] = defaultdict(dict)
    for row in reads.VERDICT_COUNTS.rows(attempt_id=attempt_id):
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


def _cards(attempt: AttemptHead) -> dict[str, int] | None:
    """The keys of the attempt's submitted scorecards (its candidate's, in its loop); None outside a loop."""
    if attempt.loop_id is None:
        return None
    return {
        "organisation_id": attempt.organisation_id,
        "candidate_id": attempt.candidate_id,
        "loop_id": attempt.loop_id,
    }


def _submitted_ratings(attempt: AttemptHead) -> list[Row]:
    """Submitted ratings summed in SQL per (stage, question): count, sum, weighted sum, weight."""
    cards = _cards(attempt)
    return reads.RATING_SUMS.rows(**cards) if cards else []


def weighted_mean(ratings: list[Row]) -> float | None:
    """Criterion-weighted mean rating (1–4) over summed rating rows; None without any."""
    weight = sum(r["weight"] for r in ratings)
    return sum(r["weighted"] for r in ratings) / weight if weight else None


def _rubric(attempt: AttemptHead, ratings: list[Row]) -> dict[str, Any] | None:
    cards = _cards(attempt)
    if cards is None:
        return None
    stages = reads.STAGES.rows(loop_id=cards["loop_id"])
    recommendations = Counter(row["recommendation"] for row in reads.RECOMMENDATIONS.rows(**cards))
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

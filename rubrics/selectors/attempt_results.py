"""An attempt's result as an ATS reads it: per-question scores, the verdict summary, rubric aggregates.

A plain selector: ``values()`` rows, not model instances, in a fixed number of queries whatever
the number of questions, tests or scorecards; the numbers go through ``common.scoring`` (as the
candidate report's and Greenhouse's do) and ``AttemptResultSerializer`` is the one JSON producer.
Scorecards count only once submitted (a manager's view: drafts are nobody's result yet).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.db.models.functions import Length, Trim

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
from common import scoring
from common.links import attempt_page_url
from grading.models import GradingResult, ScoreOverride, TestResult
from grading.selectors.overrides import score_override_current, score_overrides_by_question
from rubrics.models import Rating, Recommendation, Scorecard, ScorecardStatus

Row = dict[str, Any]
QUESTION_FIELDS = (
    "pk",
    "attempt_id",
    "position",
    "section_title",
    "points",
    "answered",
    "revision__question_id",
    "revision__question__key",
    "revision__question__title",
    "revision__question__kind",
)


def attempt_result(*, attempt: Attempt) -> dict[str, Any]:
    """``attempt`` with its invitation and stage (``assessments.selectors.attempts.attempt_get``)."""
    questions = _questions([attempt.pk])
    verdicts = _verdict_counts(attempt.pk)
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
        "score": _coding_score(questions),
        "graded_score": _coding_score(questions, overrides=False),
        "overridden": _overridden(questions),
        "verdicts": dict(sorted(summary.items())),
        "questions": rows,
        "rubric": _rubric(attempt, ratings),
        "report_url": report_url(attempt),
    }


@dataclass(frozen=True)
class CodingScores:
    score: float | None  # with reviewers' overrides: the one that counts
    graded_score: float | None  # as graded
    overridden: bool


def attempt_coding_score(*, attempt_id: int) -> float | None:
    """The attempt's coding score, 0–100, with reviewers' overrides; None until a final submission is graded."""
    return attempt_coding_scores(attempt_id=attempt_id).score


def attempt_coding_scores(*, attempt_id: int) -> CodingScores:
    """The attempt's coding score, 0–100 (``scoring.coding_score``), with and without reviewers' overrides.

    None until a final submission is graded.
    """
    return attempts_coding_scores(attempt_ids=[attempt_id])[attempt_id]


def attempts_coding_scores(*, attempt_ids: list[int]) -> dict[int, CodingScores]:
    """``attempt_coding_scores`` of many attempts (an export), in the same five queries as one."""
    by_attempt: defaultdict[int, list[Row]] = defaultdict(list)
    for question in _questions(attempt_ids):
        by_attempt[question["attempt_id"]].append(question)
    return {attempt_id: _scores(by_attempt[attempt_id]) for attempt_id in attempt_ids}


def _scores(questions: list[Row]) -> CodingScores:
    return CodingScores(
        score=_coding_score(questions),
        graded_score=_coding_score(questions, overrides=False),
        overridden=_overridden(questions),
    )


def _overridden(questions: list[Row]) -> bool:
    return any(q["override"] is not None for q in questions if q["result"])


def report_url(attempt: Attempt) -> str:
    """The staff page about the attempt (``attempt_page_url``): its loop's report, or the one outside loops."""
    return attempt_page_url(attempt_id=attempt.pk, organisation_slug=attempt.organisation.slug)


# --- coding and written answers ------------------------------------------------------------------


def _coding_score(questions: list[Row], *, overrides: bool = True) -> float | None:
    """The attempt's coding score from its graded questions: with reviewers' overrides, or as graded."""
    return scoring.coding_score((q["points"], _score(q, overrides=overrides)) for q in questions if q["result"])


def _score(question: Row, *, overrides: bool = True) -> float:
    override = question["override"].score if overrides and question["override"] else None
    score = scoring.question_score(question["result"]["score"], override)
    assert score is not None  # only graded questions are scored
    return score


def _graded_final(submission: str, attempt_ids: list[int]) -> dict[str, object]:
    """Lookups, through the relation path ``submission``, for the attempts' graded final submissions."""
    return {
        f"{submission}__attempt_question__attempt_id__in": attempt_ids,
        f"{submission}__purpose": SubmissionPurpose.FINAL,
        f"{submission}__status": SubmissionStatus.GRADED,
    }


def _questions(attempt_ids: list[int]) -> list[Row]:
    """One row per question with its final submission and, once graded, that submission's latest result."""
    questions = list(
        AttemptQuestion.objects.filter(attempt_id__in=attempt_ids)
        .annotate(answer_length=Length(Trim("answer__body")))
        .annotate(answered=ExpressionWrapper(Q(answer_length__gt=0), output_field=BooleanField()))
        .order_by("attempt_id", "position")
        .values(*QUESTION_FIELDS)
    )
    finals = CodeSubmission.objects.filter(
        attempt_question__attempt_id__in=attempt_ids, purpose=SubmissionPurpose.FINAL
    )
    final_by_question = {
        row["attempt_question_id"]: row for row in finals.values("pk", "attempt_question_id", "status")
    }
    latest: dict[int, Row] = {}
    results = GradingResult.objects.filter(**_graded_final("submission", attempt_ids)).order_by("-created_at", "-pk")
    for row in results.values("pk", "submission_id", "verdict", "score"):  # newest first
        latest.setdefault(row["submission_id"], dict(row))
    overrides = score_overrides_by_question(attempt_question_ids=[question["pk"] for question in questions])
    for question in questions:
        final = final_by_question.get(question["pk"])
        question["final"] = final
        question["result"] = latest.get(final["pk"]) if final else None
        question["override"] = score_override_current(overrides.get(question["pk"], []))
    return questions


def _verdict_counts(attempt_id: int) -> dict[int, dict[str, int]]:
    """Tests per verdict for every result of the attempt's graded final submissions, by result."""
    counts: defaultdict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        TestResult.objects.filter(**_graded_final("result__submission", [attempt_id]))
        .order_by()
        .values("result_id", "verdict")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["result_id"]][row["verdict"]] = row["n"]
    return counts


def _question_row(question: Row, verdicts: dict[int, dict[str, int]], ratings: list[Row]) -> dict[str, Any]:
    is_coding = question["revision__question__kind"] == QuestionKind.CODING
    mine = [r["score"] for r in ratings if r["question_id"] == question["revision__question_id"]]
    mean = scoring.rating_mean(mine)
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
        "rubric": {"mean_rating": _rounded(mean), "ratings": len(mine)} if mine else None,
    }


def _coding(question: Row, verdicts: dict[int, dict[str, int]]) -> dict[str, Any]:
    final, result, override = question["final"], question["result"], question["override"]
    counts = verdicts.get(result["pk"], {}) if result else {}
    return {
        "submission_status": final["status"] if final else None,
        "verdict": result["verdict"] if result else None,
        "score": _score(question) if result else None,
        "graded_score": result["score"] if result else None,
        "override": _override(override) if override else None,
        "tests_total": sum(counts.values()),
        "tests_passed": counts.get("accepted", 0),
        "verdicts": dict(sorted(counts.items())),
    }


def _override(override: ScoreOverride) -> dict[str, Any]:
    return {
        "score": override.score,
        "graded_score": override.graded_score,
        "reason": override.reason,
        "by": override.created_by_label,
        "at": override.created_at,
    }


# --- scorecards ----------------------------------------------------------------------------------


def _submitted_cards(attempt: Attempt, loop_id: int) -> Q:
    """The attempt's candidate's submitted scorecards in the loop."""
    return Q(
        organisation_id=attempt.organisation_id,
        candidate_id=attempt.invitation.candidate_id,
        stage__loop_id=loop_id,
        status=ScorecardStatus.SUBMITTED,
    )


def _submitted_ratings(attempt: Attempt) -> list[Row]:
    """Every submitted rating's stage, question, score and criterion weight, one row each; none outside a loop."""
    stage = attempt.invitation.stage
    if stage is None:
        return []
    cards = Scorecard.objects.filter(_submitted_cards(attempt, stage.loop_id)).values("pk")
    ratings = Rating.objects.filter(scorecard__in=cards).order_by("pk")
    rows = ratings.values("question_id", "score", stage_id=F("scorecard__stage_id"), weight=F("criterion__weight"))
    return [dict(row) for row in rows]


def _weighted(ratings: list[Row]) -> float | None:
    return scoring.criterion_weighted_mean((r["weight"], r["score"]) for r in ratings)


def _rubric(attempt: Attempt, ratings: list[Row]) -> dict[str, Any] | None:
    stage = attempt.invitation.stage
    if stage is None:
        return None
    stages = Stage.objects.filter(loop_id=stage.loop_id).order_by("position").values("pk", "title", "weight")
    cards = Scorecard.objects.filter(_submitted_cards(attempt, stage.loop_id))
    recommendations = list(cards.values_list("recommendation", flat=True))
    by_stage = [(row, _weighted([r for r in ratings if r["stage_id"] == row["pk"]])) for row in stages]
    return {
        "scorecards_submitted": len(recommendations),
        "overall": _rounded(scoring.stage_weighted_overall((row["weight"], score) for row, score in by_stage)),
        "stages": [{"stage_id": row["pk"], "title": row["title"], "score": _rounded(score)} for row, score in by_stage],
        "recommendations": scoring.recommendation_counts(recommendations, Recommendation.values),
        "mean_rating": _rounded(_weighted(ratings)),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)

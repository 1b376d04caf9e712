"""The one-page candidate report: everything a hiring manager needs to decide, read in a bounded number of queries.

Per loop: the attempts of the invitations that put the candidate in the loop (``loop_invitations``, the
pipeline's definition, so the two always agree), scorecards and decisions. Without a loop: the attempts
of invitations that name no stage (made before every invitation did; docs/api.md), so every attempt's
page opens. Scorecards come through ``scorecard_list_visible``, so the report shows exactly what the
viewer may see.
"""

from collections import defaultdict
from typing import Any

import numpy as np
from django.db.models import Prefetch, Q

from assessments.models import (
    Attempt,
    AttemptQuestion,
    Candidate,
    CodeSubmission,
    Decision,
    IntegrityEventKind,
    Loop,
    QuestionKind,
    Stage,
    SubmissionPurpose,
    SubmissionStatus,
)
from assessments.selectors.candidates import loop_invitations
from common import scoring
from common.exceptions import NotFoundError
from common.markdown import render_markdown
from grading.models import GradingRequest, GradingResult, ScoreOverride, TestResult
from grading.selectors.overrides import score_override_current
from grading.similarity import similar_pairs
from organisations.models import Membership
from rubrics.models import Recommendation, Scorecard, ScorecardStatus
from rubrics.selectors.scorecards import scorecard_list_visible

SIMILARITY_THRESHOLD = 0.8


def candidate_report(*, membership: Membership, candidate: Candidate, loop: Loop | None) -> dict[str, Any]:
    """The report on the candidate in ``loop``; with ``loop=None``, on their attempts outside any loop stage."""
    if candidate.organisation_id != membership.organisation_id:
        raise NotFoundError(f"No candidate with id {candidate.pk}.")
    if loop is not None and loop.organisation_id != membership.organisation_id:
        raise NotFoundError(f"No loop with id {loop.pk}.")
    stages = list(loop.stages.order_by("position")) if loop else []
    attempts = [_attempt(attempt) for attempt in _attempts(candidate=candidate, loop=loop)]
    coding = [question for attempt in attempts for question in attempt["questions"] if question["coding"]]
    _add_distributions(coding, candidate=candidate, loop=loop)
    _add_similarity(coding, candidate=candidate)
    scorecards = [_scorecard(card) for card in _scorecards(membership=membership, candidate=candidate, loop=loop)]
    submitted = [card for card in scorecards if card["submitted"]]
    return {
        "candidate": candidate,
        "loop": loop,
        "attempts": attempts,
        "scorecards": scorecards,
        "recommendations": _recommendations(submitted),
        "aggregate": _aggregate(stages, submitted),
        "criterion_ratings": _criterion_ratings(submitted),
        "decisions": _decisions(candidate=candidate, loop=loop),
    }


def _decisions(*, candidate: Candidate, loop: Loop | None) -> list[Decision]:
    return list(Decision.objects.filter(candidate=candidate, loop=loop).select_related("decided_by")) if loop else []


def _in_report(*, candidate: Candidate, loop: Loop | None) -> Q:
    """The candidate's attempts this report shows: the loop's (as its pipeline counts them), else the stage-less."""
    if loop is None:
        return Q(invitation__stage__isnull=True)
    return Q(invitation__in=loop_invitations(organisation_id=candidate.organisation_id, loop_ids=[loop.pk]))


def _attempts(*, candidate: Candidate, loop: Loop | None) -> list[Attempt]:
    results = GradingResult.objects.order_by("-created_at", "-pk").prefetch_related(
        Prefetch("test_results", TestResult.objects.select_related("test_case").order_by("test_case__position"))
    )
    requests = GradingRequest.objects.select_related("result", "previous_result").order_by("-created_at", "-pk")
    finals = CodeSubmission.objects.filter(purpose=SubmissionPurpose.FINAL).prefetch_related(
        Prefetch("results", results), Prefetch("grading_requests", requests)
    )
    overrides = ScoreOverride.objects.order_by("-created_at", "-pk")
    questions = (
        AttemptQuestion.objects.select_related("revision__question", "revision__coding_spec", "answer")
        .prefetch_related(Prefetch("submissions", finals), Prefetch("score_overrides", overrides))
        .order_by("position")
    )
    return list(
        Attempt.objects.filter(
            _in_report(candidate=candidate, loop=loop),
            organisation_id=candidate.organisation_id,
            invitation__candidate=candidate,
        )
        .select_related("invitation__stage", "invitation__question_set")
        .prefetch_related(Prefetch("questions", questions), "integrity_events", "accommodations")
        .order_by("invitation__stage__position", "started_at")
    )


def _attempt(attempt: Attempt) -> dict[str, Any]:
    events = list(attempt.integrity_events.all())
    seconds: defaultdict[int, float] = defaultdict(float)
    for event in events:
        if event.kind == IntegrityEventKind.QUESTION_TIME and event.attempt_question_id:
            seconds[event.attempt_question_id] += event.number
    pastes = [event for event in events if event.kind == IntegrityEventKind.PASTE]
    questions = [_question(question, seconds[question.pk]) for question in attempt.questions.all()]
    return {
        "attempt": attempt,
        "stage": attempt.invitation.stage,
        "questions": questions,
        "score": _coding_score(questions),
        "graded_score": _coding_score(questions, overrides=False),
        "overridden": any(q["coding"]["graded"] and q["coding"]["override"] for q in questions if q["coding"]),
        "accommodations": list(attempt.accommodations.all()),
        "integrity": {
            "paste_count": len(pastes),
            "paste_chars": round(sum(event.number for event in pastes)),
            "tab_leaves": sum(1 for event in events if event.kind == IntegrityEventKind.BLUR),
        },
    }


def _question(question: AttemptQuestion, seconds: float) -> dict[str, Any]:
    revision = question.revision
    answer = getattr(question, "answer", None)
    body = answer.body if answer else ""
    spec = getattr(revision, "coding_spec", None)
    is_coding = revision.question.kind == QuestionKind.CODING
    return {
        "attempt_question": question,
        "question": revision.question,
        "revision": revision,
        "seconds": round(seconds),
        "answer_html": "" if is_coding else render_markdown(body),
        "coding": _coding(question, spec) if is_coding else None,
    }


def _coding(question: AttemptQuestion, spec: Any) -> dict[str, Any]:
    final = next(iter(question.submissions.all()), None)  # at most one final per question (a constraint)
    result = next(iter(final.results.all()), None) if final else None
    overrides = list(question.score_overrides.all())
    return {
        "submission": final,
        "source": final.source if final else "",
        "starter_code": spec.starter_code if spec else "",
        "result": result,
        "score": result.score if result else None,
        "graded": bool(result and final and final.status == SubmissionStatus.GRADED),
        "override": score_override_current(overrides),
        "overrides": overrides,
        "grading_requests": list(final.grading_requests.all()) if final else [],
        "tests": list(result.test_results.all()) if result else [],
        "distribution": None,
        "similar": [],
    }


def _coding_score(questions: list[dict[str, Any]], *, overrides: bool = True) -> float | None:
    """The attempt's coding score as the API and Greenhouse give it: graded final submissions only, with
    reviewers' overrides (or, ``overrides=False``, as graded).

    A final submission being graded again still shows its previous result below, but, as there,
    does not count until it is graded.
    """
    coding = [q["coding"] | {"points": q["attempt_question"].points} for q in questions if q["coding"]]
    graded = [c for c in coding if c["graded"]]
    return scoring.coding_score((c["points"], _score(c, overrides=overrides)) for c in graded)


def _score(coding: dict[str, Any], *, overrides: bool) -> float:
    override = coding["override"].score if overrides and coding["override"] else None
    score = scoring.question_score(coding["score"], override)
    assert score is not None  # only graded questions are scored
    return score


def _add_distributions(coding: list[dict[str, Any]], *, candidate: Candidate, loop: Loop | None) -> None:
    """Other candidates' latest final scores on the same question, in this loop (none outside a loop)."""
    question_ids = {item["question"].pk for item in coding}
    if not question_ids or loop is None:
        return
    rows = (
        GradingResult.objects.filter(
            submission__purpose=SubmissionPurpose.FINAL,
            submission__attempt_question__attempt__invitation__in=loop_invitations(
                organisation_id=candidate.organisation_id, loop_ids=[loop.pk]
            ),
            submission__attempt_question__revision__question_id__in=question_ids,
        )
        .exclude(submission__attempt_question__attempt__invitation__candidate=candidate)
        .order_by("submission_id", "-created_at", "-pk")
        .values_list("submission_id", "submission__attempt_question__revision__question_id", "score")
    )
    latest: dict[int, tuple[int, float]] = {}
    for submission_id, question_id, score in rows:
        latest.setdefault(submission_id, (question_id, score))
    scores: defaultdict[int, list[float]] = defaultdict(list)
    for question_id, score in latest.values():
        scores[question_id].append(score)
    for item in coding:
        item["coding"]["distribution"] = score_distribution(scores.get(item["question"].pk, []))


def score_distribution(scores: list[float]) -> dict[str, float] | None:
    if not scores:
        return None
    q1, median, q3 = np.percentile(np.asarray(scores, dtype=np.float64), [25, 50, 75])
    return {
        "count": len(scores),
        "mean": float(np.mean(scores)),
        "q1": float(q1),
        "median": float(median),
        "q3": float(q3),
    }


def _add_similarity(coding: list[dict[str, Any]], *, candidate: Candidate) -> None:
    """Flag other candidates' final submissions in the organisation on the same question (evidence, not a verdict)."""
    mine = [item for item in coding if item["coding"]["submission"]]
    if not mine:
        return
    others = (
        CodeSubmission.objects.filter(
            purpose=SubmissionPurpose.FINAL,
            attempt_question__attempt__organisation_id=candidate.organisation_id,
            attempt_question__revision__question_id__in={item["question"].pk for item in mine},
        )
        .exclude(attempt_question__attempt__invitation__candidate=candidate)
        .select_related("attempt_question__revision", "attempt_question__attempt__invitation__candidate")
        .order_by("pk")
    )
    by_question: defaultdict[int, list[CodeSubmission]] = defaultdict(list)
    for other in others:
        by_question[other.attempt_question.revision.question_id].append(other)
    for item in mine:
        own = item["coding"]["submission"]
        for other in by_question[item["question"].pk]:
            # One pair at a time keeps this linear in the number of other submissions.
            pairs = similar_pairs(
                {own.pk: own.source, other.pk: other.source},
                item["coding"]["starter_code"],
                SIMILARITY_THRESHOLD,
            )
            for pair in pairs:
                item["coding"]["similar"].append(
                    {
                        "submission": other,
                        "candidate": other.attempt_question.attempt.invitation.candidate,
                        "score": pair.score,
                        "lines_own": pair.lines_a if pair.a == own.pk else pair.lines_b,
                        "lines_other": pair.lines_b if pair.a == own.pk else pair.lines_a,
                    }
                )
        item["coding"]["similar"].sort(key=lambda flag: -flag["score"])


def _scorecards(*, membership: Membership, candidate: Candidate, loop: Loop | None) -> list[Scorecard]:
    if loop is None:
        return []
    return list(
        scorecard_list_visible(membership=membership, candidate=candidate)
        .filter(stage__loop=loop)
        .select_related("stage")
        .prefetch_related("ratings__criterion", "ratings__question")
    )


def _scorecard(card: Scorecard) -> dict[str, Any]:
    ratings = sorted(card.ratings.all(), key=lambda r: (r.question.title, r.criterion.position, r.criterion.pk))
    return {
        "scorecard": card,
        "submitted": card.status == ScorecardStatus.SUBMITTED,
        "ratings": ratings,
        "weighted": _weighted(ratings),
    }


def _weighted(ratings: list[Any]) -> float | None:
    """Criterion-weighted mean rating on the 1–4 scale; None without ratings."""
    return scoring.criterion_weighted_mean((rating.criterion.weight, rating.score) for rating in ratings)


def _recommendations(submitted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = scoring.recommendation_counts(
        (card["scorecard"].recommendation for card in submitted), Recommendation.values
    )
    return [{"value": value, "label": label, "count": counts[value]} for value, label in Recommendation.choices]


def _aggregate(stages: list[Stage], submitted: list[dict[str, Any]]) -> dict[str, Any]:
    """Per stage: every submitted rating pooled, weighted by its criterion. Overall: stages weighted by stage weight.

    A stage with no submitted rating has no score and does not count towards the overall.
    """
    ratings_by_stage: defaultdict[int, list[Any]] = defaultdict(list)
    for card in submitted:
        ratings_by_stage[card["scorecard"].stage_id].extend(card["ratings"])
    scores = [(stage, _weighted(ratings_by_stage[stage.pk])) for stage in stages]
    overall = scoring.stage_weighted_overall((stage.weight, score) for stage, score in scores)
    return {"stages": [{"stage": stage, "score": score} for stage, score in scores], "overall": overall}


def _criterion_ratings(submitted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (question, criterion) with every interviewer's rating, across stages, for the chart."""
    rows: dict[tuple[str, int, int, int], dict[str, Any]] = {}
    for card in submitted:
        scorecard = card["scorecard"]
        interviewer = scorecard.interviewer.get_full_name() or scorecard.interviewer.get_username()
        for rating in card["ratings"]:
            key = (rating.question.title, rating.question_id, rating.criterion.position, rating.criterion_id)
            row = rows.setdefault(key, {"label": f"{rating.question.title} · {rating.criterion.name}", "ratings": []})
            row["ratings"].append({"interviewer": interviewer, "score": rating.score})
    return [rows[key] for key in sorted(rows)]

"""Interviewer calibration for a loop: submitted Ratings turned into agreement, leniency and spread.

A unit is one (candidate, question, criterion): the thing several interviewers could rate
independently. Only ratings on submitted scorecards count (a draft is not a judgement yet). If one
interviewer rated the same unit in two stages of the loop, their most recently submitted rating is the
one used: the statistics need one value per rater and unit.

Agreement is ordinal Krippendorff's alpha over all such ratings, for the loop and for each question;
``nan`` (shown as "not enough data") when no unit has two ratings or nobody's ratings vary.
"""

import math
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from django.contrib.auth import get_user_model

from assessments.models import Loop
from rubrics.calibration import krippendorff_alpha, leniency, reliability_matrix, spread
from rubrics.models import MAX_LEVEL, MIN_LEVEL, Rating, ScorecardStatus

SCALE = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))
Unit = tuple[int, int, int]  # (candidate_id, question_id, criterion_id)


@dataclass(frozen=True)
class Agreement:
    alpha: float  # nan when undefined
    ratings: int  # every rating behind the figure
    pairable_units: int  # units rated by at least two interviewers
    pairable_ratings: int  # ratings on those units: what alpha is computed from

    @property
    def enough_data(self) -> bool:
        return not math.isnan(self.alpha)


@dataclass(frozen=True)
class QuestionAgreement:
    question_id: int
    title: str
    agreement: Agreement


@dataclass(frozen=True)
class InterviewerCalibration:
    interviewer_id: int
    name: str
    ratings: int
    leniency: float  # mean offset from the rest of the panel; nan without shared units
    shared_units: int  # units behind the leniency figure
    spread: float  # population std of their ratings; nan without ratings
    mean: float
    histogram: dict[int, int] = field(default_factory=dict)  # score → count, every score on the scale


@dataclass(frozen=True)
class CalibrationReport:
    loop: Loop
    overall: Agreement
    questions: list[QuestionAgreement]
    interviewers: list[InterviewerCalibration]

    @property
    def ratings(self) -> int:
        return self.overall.ratings


def loop_calibration(*, loop: Loop) -> CalibrationReport:
    """Calibration figures for one loop, from its submitted ratings. Two queries."""
    rows = (
        Rating.objects.filter(
            scorecard__organisation_id=loop.organisation_id,
            scorecard__stage__loop=loop,
            scorecard__status=ScorecardStatus.SUBMITTED,
        )
        .order_by("scorecard__submitted_at", "scorecard_id", "pk")
        .values_list(
            "scorecard__interviewer_id",
            "scorecard__candidate_id",
            "question_id",
            "criterion_id",
            "score",
            "question__title",
        )
    )
    latest: dict[tuple[int, Unit], int] = {}
    titles: dict[int, str] = {}
    for interviewer_id, candidate_id, question_id, criterion_id, score, title in rows:
        latest[(interviewer_id, (candidate_id, question_id, criterion_id))] = score  # later submissions win
        titles[question_id] = title
    triples = [(rater, unit, float(score)) for (rater, unit), score in latest.items()]

    questions = [
        QuestionAgreement(
            question_id=question_id,
            title=title,
            agreement=_agreement([t for t in triples if t[1][1] == question_id]),
        )
        for question_id, title in sorted(titles.items(), key=lambda item: (item[1], item[0]))
    ]
    return CalibrationReport(
        loop=loop,
        overall=_agreement(triples),
        questions=questions,
        interviewers=_interviewers(triples),
    )


def _agreement(triples: list[tuple[int, Unit, float]]) -> Agreement:
    if not triples:
        return Agreement(alpha=float("nan"), ratings=0, pairable_units=0, pairable_ratings=0)
    data = reliability_matrix(triples)
    per_unit = (~np.isnan(data.matrix)).sum(axis=0)
    pairable = per_unit >= 2
    return Agreement(
        alpha=float(krippendorff_alpha(data.matrix, level="ordinal")),
        ratings=len(triples),
        pairable_units=int(pairable.sum()),
        pairable_ratings=int(per_unit[pairable].sum()),
    )


def _interviewers(triples: list[tuple[int, Unit, float]]) -> list[InterviewerCalibration]:
    if not triples:
        return []
    data = reliability_matrix(triples)
    lenient = leniency(data.matrix)
    spreads = spread(data.matrix)
    rater_ids = cast(list[int], data.raters)
    users = get_user_model().objects.in_bulk(rater_ids)
    result = []
    for i, rater in enumerate(rater_ids):
        scores = data.matrix[i][~np.isnan(data.matrix[i])]
        user = users.get(rater)
        name = (user.get_full_name() or user.get_username()) if user is not None else f"User {rater}"
        result.append(
            InterviewerCalibration(
                interviewer_id=rater,
                name=name,
                ratings=int(spreads.rater_count[i]),
                leniency=float(lenient.offset[i]),
                shared_units=int(lenient.count[i]),
                spread=float(spreads.rater_std[i]),
                mean=float(scores.mean()),
                histogram={score: int((scores == score).sum()) for score in SCALE},
            )
        )
    result.sort(key=lambda row: (row.name.lower(), row.interviewer_id))
    return result

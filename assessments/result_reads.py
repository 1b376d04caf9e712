"""The queries of an attempt's result (``assessments.results``), as prepared reads (``common.prepared``).

Every one is keyed by ids only (the attempt; the organisation, candidate and loop for the
scorecards), so its SQL is compiled once per process: the result is read in eight statements
whatever the number of questions, tests or scorecards, without the ORM's per-call compile.
"""

from django.db.models import BooleanField, Count, ExpressionWrapper, F, FloatField, Q, Sum
from django.db.models.functions import Length, Trim

from assessments.models import Attempt, AttemptQuestion, CodeSubmission, Stage, SubmissionPurpose, SubmissionStatus
from common.prepared import PreparedRead
from grading.models import GradingResult, TestResult
from rubrics.models import Rating, Scorecard, ScorecardStatus

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

ATTEMPT_HEAD = PreparedRead(
    lambda organisation_id, pk: (
        Attempt.objects.filter(organisation_id=organisation_id, pk=pk)
        .order_by()
        .values(
            "pk",
            "status",
            "organisation_id",
            candidate_id=F("invitation__candidate_id"),
            stage_id=F("invitation__stage_id"),
            loop_id=F("invitation__stage__loop_id"),
        )
    ),
    organisation_id=int,
    pk=int,
)

QUESTIONS = PreparedRead(
    lambda attempt_id: (
        AttemptQuestion.objects.filter(attempt_id=attempt_id)
        .annotate(answer_length=Length(Trim("answer__body")))
        .annotate(answered=ExpressionWrapper(Q(answer_length__gt=0), output_field=BooleanField()))
        .order_by("position")
        .values(*QUESTION_FIELDS)
    ),
    attempt_id=int,
)

FINAL_SUBMISSIONS = PreparedRead(
    lambda attempt_id: (
        CodeSubmission.objects.filter(attempt_question__attempt_id=attempt_id, purpose=SubmissionPurpose.FINAL)
        .order_by()
        .values("pk", "attempt_question_id", "status")
    ),
    attempt_id=int,
)


def _graded_final(submission: str, attempt_id: int) -> dict[str, object]:
    """Lookups, through the relation path ``submission``, for the attempt's graded final submissions."""
    return {
        f"{submission}__attempt_question__attempt_id": attempt_id,
        f"{submission}__purpose": SubmissionPurpose.FINAL,
        f"{submission}__status": SubmissionStatus.GRADED,
    }


GRADED_FINAL_RESULTS = PreparedRead(
    lambda attempt_id: (
        GradingResult.objects.filter(**_graded_final("submission", attempt_id))
        .order_by("-created_at", "-pk")
        .values("pk", "submission_id", "verdict", "score")
    ),
    attempt_id=int,
)

VERDICT_COUNTS = PreparedRead(
    lambda attempt_id: (
        TestResult.objects.filter(**_graded_final("result__submission", attempt_id))
        .order_by()
        .values("result_id", "verdict")
        .annotate(n=Count("pk"))
    ),
    attempt_id=int,
)


def _submitted_cards(organisation_id: int, candidate_id: int, loop_id: int) -> Q:
    return Q(
        organisation_id=organisation_id,
        candidate_id=candidate_id,
        stage__loop_id=loop_id,
        status=ScorecardStatus.SUBMITTED,
    )


CARD_KEYS = {"organisation_id": int, "candidate_id": int, "loop_id": int}

RATING_SUMS = PreparedRead(
    lambda **card: (
        Rating.objects.filter(scorecard__in=Scorecard.objects.filter(_submitted_cards(**card)).values("pk"))
        .order_by()
        .values("scorecard__stage_id", "question_id")
        .annotate(
            n=Count("pk"),
            total=Sum("score"),
            weighted=Sum(F("score") * F("criterion__weight"), output_field=FloatField()),
            weight=Sum("criterion__weight"),
        )
    ),
    **CARD_KEYS,
)

RECOMMENDATIONS = PreparedRead(
    lambda **card: Scorecard.objects.filter(_submitted_cards(**card)).order_by().values("recommendation"),
    **CARD_KEYS,
)

STAGES = PreparedRead(
    lambda loop_id: Stage.objects.filter(loop_id=loop_id).order_by("position").values("pk", "title", "weight"),
    loop_id=int,
)

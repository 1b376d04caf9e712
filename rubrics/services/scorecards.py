"""Writes to scorecards: start, autosave a draft, submit (locks it), amend after submit (keeps history)."""

from typing import Any, NotRequired, TypedDict

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from assessments.models import Candidate, FocusQuestion, QuestionRevision, Stage, StageInterviewer, StageKind
from assessments.selectors.candidates import candidate_in_loop
from common.events import event_record, iso
from common.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from organisations.selectors import membership_is_active_member
from rubrics.models import MAX_LEVEL, MIN_LEVEL, Criterion, Rating, Scorecard, ScorecardAmendment, ScorecardStatus


class RatingInput(TypedDict):
    question_id: int
    criterion_id: int
    score: int
    notes: NotRequired[str]  # absent: keep the rating's notes


RatingKey = tuple[int, int]  # (question_id, criterion_id)


@transaction.atomic
def scorecard_start(*, interviewer: AbstractBaseUser, candidate: Candidate, stage: Stage) -> Scorecard:
    """The interviewer's scorecard for this candidate in this stage: the existing one, or a new draft.

    Only for a candidate in the stage's loop (``candidate_in_loop``): a scorecard elsewhere would be junk
    in the loop's report and calibration, and submitting it would open the others' scorecards.
    """
    organisation_id = stage.loop.organisation_id
    # Holds the stage against a removal (loop_stage_remove locks it FOR UPDATE) until this commits: a
    # removal in flight finishes first, and then the stage is gone (404), not a foreign-key error at commit.
    if not Stage.objects.select_for_update(no_key=True).filter(pk=stage.pk).values_list("pk", flat=True):
        raise NotFoundError("No such interview stage.")
    if candidate.organisation_id != organisation_id:
        raise ApplicationError("The candidate and the stage belong to different organisations.", code="wrong_org")
    if stage.kind != StageKind.INTERVIEW:
        raise ApplicationError("Scorecards belong to interview stages.", code="not_an_interview")
    if not membership_is_active_member(organisation_id=organisation_id, user_id=interviewer.pk):
        raise PermissionDeniedError("You are not a member of this organisation.", code="not_a_member")
    if not StageInterviewer.objects.filter(stage=stage, user_id=interviewer.pk).exists():
        raise PermissionDeniedError("You are not an interviewer on this stage.", code="not_assigned")
    if not candidate_in_loop(candidate=candidate, loop_id=stage.loop_id):
        raise PermissionDeniedError("This candidate is not in this stage's loop.", code="not_in_loop")
    lookup = {"candidate": candidate, "stage": stage, "interviewer_id": interviewer.pk}
    existing = Scorecard.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    scorecard = Scorecard(organisation_id=organisation_id, **lookup)
    scorecard.full_clean()
    try:
        with transaction.atomic():
            scorecard.save()
    except IntegrityError:  # a second tab started it between our read and write
        return Scorecard.objects.get(**lookup)
    return scorecard


@transaction.atomic
def scorecard_save_draft(
    *,
    scorecard: Scorecard,
    actor: AbstractBaseUser,
    version: int,
    ratings: list[RatingInput] | None = None,
    key_takeaways: str | None = None,
    notes: str | None = None,
    recommendation: str | None = None,
) -> Scorecard:
    """Autosave: applies what is given if the client saw the current version. Drafts only."""
    scorecard = _locked_for_owner(scorecard, actor)
    if scorecard.status == ScorecardStatus.SUBMITTED:
        raise ConflictError("This scorecard is submitted; change it with an amendment.", code="submitted_use_amendment")
    if version != scorecard.version:
        raise ConflictError(
            "This scorecard was saved from another tab or device; reload to see the newest version.",
            code="stale_version",
            details={"current_version": scorecard.version},
        )
    changed = _apply(scorecard, ratings or [], key_takeaways, notes, recommendation)
    if changed:
        _bump(scorecard)
    return scorecard


@transaction.atomic
def scorecard_submit(*, scorecard: Scorecard, actor: AbstractBaseUser) -> Scorecard:
    """Lock the scorecard once every assigned criterion is rated and a recommendation is given."""
    scorecard = _locked_for_owner(scorecard, actor)
    if scorecard.status == ScorecardStatus.SUBMITTED:
        raise ConflictError("This scorecard has already been submitted.", code="already_submitted")
    missing = scorecard_missing(scorecard=scorecard)
    if missing:
        raise ApplicationError(
            "Rate every criterion and give a recommendation before submitting.", code="incomplete", details=missing
        )
    now = timezone.now()
    submitted = Scorecard.objects.filter(pk=scorecard.pk, status=ScorecardStatus.DRAFT).update(
        status=ScorecardStatus.SUBMITTED, submitted_at=now, version=F("version") + 1, updated_at=now
    )
    if not submitted:
        raise ConflictError("This scorecard has already been submitted.", code="already_submitted")
    scorecard.refresh_from_db()
    _event_scorecard_submitted(scorecard)
    return scorecard


def _event_scorecard_submitted(scorecard: Scorecard) -> None:
    stage = scorecard.stage
    event_record(
        organisation_id=scorecard.organisation_id,
        type="scorecard.submitted",
        payload={
            "scorecard_id": scorecard.pk,
            "candidate_id": scorecard.candidate_id,
            "candidate_external_id": scorecard.candidate.external_id,
            "stage_id": stage.pk,
            "loop_id": stage.loop_id,
            "recommendation": scorecard.recommendation,
            "submitted_at": iso(scorecard.submitted_at),
        },
    )


@transaction.atomic
def scorecard_amend(
    *,
    scorecard: Scorecard,
    actor: AbstractBaseUser,
    reason: str,
    ratings: list[RatingInput] | None = None,
    key_takeaways: str | None = None,
    notes: str | None = None,
    recommendation: str | None = None,
) -> Scorecard:
    """Change a submitted scorecard; the content before the change is kept with who changed it and why."""
    scorecard = _locked_for_owner(scorecard, actor)
    if scorecard.status != ScorecardStatus.SUBMITTED:
        raise ConflictError("Only a submitted scorecard is amended; save the draft instead.", code="not_submitted")
    if not reason.strip():
        raise ApplicationError("Say why the scorecard is amended.", code="reason_required")
    if recommendation == "":
        raise ApplicationError("A submitted scorecard keeps a recommendation.", code="invalid_recommendation")
    amendment = ScorecardAmendment(
        scorecard=scorecard, author_id=actor.pk, reason=reason.strip(), previous=scorecard_snapshot(scorecard=scorecard)
    )
    if not _apply(scorecard, ratings or [], key_takeaways, notes, recommendation):
        raise ApplicationError("The amendment changes nothing.", code="no_changes")
    amendment.full_clean()
    amendment.save()
    _bump(scorecard)
    return scorecard


def scorecard_snapshot(*, scorecard: Scorecard) -> dict[str, Any]:
    ratings = scorecard.ratings.order_by("question_id", "criterion_id")
    return {
        "version": scorecard.version,
        "recommendation": scorecard.recommendation,
        "key_takeaways": scorecard.key_takeaways,
        "notes": scorecard.notes,
        "ratings": [
            {"question_id": r.question_id, "criterion_id": r.criterion_id, "score": r.score, "notes": r.notes}
            for r in ratings
        ],
    }


def scorecard_criteria(*, stage: Stage, interviewer_id: int | None = None) -> dict[int, list[int]]:
    """Criterion ids per focus question of the stage (its current revision's rubric).

    With an interviewer: only the focus questions assigned to them, or all of them when none is.
    """
    focus = FocusQuestion.objects.filter(stage=stage)
    if interviewer_id is not None and focus.filter(interviewer_id=interviewer_id).exists():
        focus = focus.filter(interviewer_id=interviewer_id)
    question_ids = list(focus.order_by("position").values_list("question_id", flat=True))
    rubric_of = _current_rubric_ids(question_ids)
    criteria: dict[int, list[int]] = {}
    rubric_ids = {rubric_id for rubric_id in rubric_of.values() if rubric_id is not None}
    for criterion_id, rubric_id in (
        Criterion.objects.filter(rubric_id__in=rubric_ids).order_by("position").values_list("pk", "rubric_id")
    ):
        criteria.setdefault(rubric_id, []).append(criterion_id)
    return {question_id: criteria.get(rubric_of.get(question_id) or 0, []) for question_id in question_ids}


def _current_rubric_ids(question_ids: list[int]) -> dict[int, int | None]:
    rubric_of: dict[int, int | None] = {}
    revisions = QuestionRevision.objects.filter(question_id__in=question_ids).order_by("question_id", "number")
    for question_id, rubric_id in revisions.values_list("question_id", "rubric_id"):
        rubric_of[question_id] = rubric_id  # the highest number, i.e. the current revision, wins
    return rubric_of


def scorecard_missing(*, scorecard: Scorecard) -> dict[str, Any]:
    """What stands between this scorecard and submission (empty when nothing does)."""
    required = scorecard_criteria(stage=scorecard.stage, interviewer_id=scorecard.interviewer_id)
    rated = set(scorecard.ratings.values_list("question_id", "criterion_id"))
    missing_ratings = [
        {"question_id": question_id, "criterion_id": criterion_id}
        for question_id, criterion_ids in required.items()
        for criterion_id in criterion_ids
        if (question_id, criterion_id) not in rated
    ]
    missing: dict[str, Any] = {}
    if missing_ratings:
        missing["ratings"] = missing_ratings
    if not scorecard.recommendation:
        missing["recommendation"] = "required"
    return missing


def _locked_for_owner(scorecard: Scorecard, actor: AbstractBaseUser) -> Scorecard:
    if scorecard.interviewer_id != actor.pk:
        raise PermissionDeniedError("Only the interviewer who owns this scorecard can change it.", code="not_owner")
    return Scorecard.objects.select_for_update().select_related("stage").get(pk=scorecard.pk)


def _apply(
    scorecard: Scorecard,
    ratings: list[RatingInput],
    key_takeaways: str | None,
    notes: str | None,
    recommendation: str | None,
) -> bool:
    """Validate everything, then write it. True when something changed."""
    validated = _validated_ratings(scorecard, ratings)
    changed = False
    for field, value in (("key_takeaways", key_takeaways), ("notes", notes), ("recommendation", recommendation)):
        if value is not None and getattr(scorecard, field) != value:
            setattr(scorecard, field, value)
            changed = True
    scorecard.full_clean()
    return _upsert_ratings(scorecard, validated) or changed


def _validated_ratings(scorecard: Scorecard, ratings: list[RatingInput]) -> dict[RatingKey, RatingInput]:
    allowed = scorecard_criteria(stage=scorecard.stage)
    validated: dict[RatingKey, RatingInput] = {}
    for index, rating in enumerate(ratings):
        question_id, criterion_id, score = rating["question_id"], rating["criterion_id"], rating["score"]
        where = {"index": index, "question_id": question_id, "criterion_id": criterion_id}
        if question_id not in allowed:
            raise ApplicationError(
                "This question is not a focus question of the stage.", code="question_not_in_stage", details=where
            )
        if criterion_id not in allowed[question_id]:
            raise ApplicationError(
                "This criterion is not in the question's rubric.", code="criterion_not_in_rubric", details=where
            )
        if not isinstance(score, int) or isinstance(score, bool) or not MIN_LEVEL <= score <= MAX_LEVEL:
            raise ApplicationError(
                f"A rating is a whole number from {MIN_LEVEL} to {MAX_LEVEL}.",
                code="invalid_rating",
                details={**where, "score": score},
            )
        validated[(question_id, criterion_id)] = rating
    return validated


def _upsert_ratings(scorecard: Scorecard, validated: dict[RatingKey, RatingInput]) -> bool:
    existing = {(r.question_id, r.criterion_id): r for r in scorecard.ratings.all()}
    changed = False
    for (question_id, criterion_id), data in validated.items():
        rating = existing.get((question_id, criterion_id)) or Rating(
            scorecard=scorecard, question_id=question_id, criterion_id=criterion_id, score=data["score"]
        )
        new_notes = data.get("notes", rating.notes)
        if rating.pk is not None and rating.score == data["score"] and rating.notes == new_notes:
            continue
        rating.score, rating.notes = data["score"], new_notes
        rating.full_clean()
        rating.save()
        changed = True
    return changed


def _bump(scorecard: Scorecard) -> None:
    scorecard.version += 1
    scorecard.save(update_fields=["key_takeaways", "notes", "recommendation", "version", "updated_at"])

"""Loop builder services: loops for a role, their stages, interviewers and focus questions, cloning."""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, ProtectedError

from assessments.models import (
    FocusQuestion,
    Loop,
    Question,
    QuestionKind,
    QuestionSet,
    Stage,
    StageInterviewer,
    StageKind,
)
from common.events import event_record
from common.exceptions import ApplicationError, ConflictError
from organisations.models import Organisation
from organisations.selectors import membership_is_active_member


def _full_clean(obj: models.Model) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ApplicationError("Invalid value.", details=exc.message_dict) from exc


def _check_loop(*, organisation: Organisation, loop: Loop) -> None:
    if loop.organisation_id != organisation.pk:
        raise ApplicationError("That loop belongs to another organisation.", code="wrong_organisation")


def _check_stage(*, organisation: Organisation, stage: Stage) -> None:
    _check_loop(organisation=organisation, loop=stage.loop)


@transaction.atomic
def loop_create(*, organisation: Organisation, title: str, role: str, description: str = "") -> Loop:
    loop = Loop(organisation=organisation, title=title.strip(), role=role.strip(), description=description)
    _full_clean(loop)
    loop.save()
    return loop


@transaction.atomic
def loop_stage_add(
    *,
    organisation: Organisation,
    loop: Loop,
    kind: str,
    title: str,
    question_set: QuestionSet | None = None,
    duration_minutes: int | None = None,
    weight: float = 1.0,
) -> Stage:
    """Append a stage. A timed assessment needs a question set and a duration; an interview has neither."""
    _check_loop(organisation=organisation, loop=loop)
    if kind not in StageKind.values:
        raise ApplicationError(f"Unknown stage kind {kind!r}.", code="invalid_kind")
    if kind == StageKind.ASSESSMENT:
        if question_set is None or not duration_minutes or duration_minutes < 1:
            raise ApplicationError(
                "A timed assessment needs a question set and a duration of at least a minute.",
                code="assessment_incomplete",
            )
        if question_set.organisation_id != organisation.pk:
            raise ApplicationError("That question set belongs to another organisation.", code="wrong_organisation")
    else:
        question_set, duration_minutes = None, None
    Loop.objects.select_for_update().filter(pk=loop.pk).first()  # serialise position allocation per loop
    last = Stage.objects.filter(loop=loop).aggregate(m=Max("position"))["m"] or 0
    stage = Stage(
        loop=loop,
        position=last + 1,
        kind=kind,
        title=title.strip(),
        question_set=question_set,
        duration_minutes=duration_minutes,
        weight=weight,
    )
    _full_clean(stage)
    stage.save()
    return stage


@transaction.atomic
def loop_stage_remove(*, organisation: Organisation, stage: Stage) -> None:
    """Remove a stage nobody has been scored or invited on yet; otherwise 409 ``stage_in_use``, nothing removed.

    Interview feedback is never deleted with its stage. The stage row is locked before the count, so a
    scorecard or invitation cannot commit between the count and the delete (its foreign-key check waits
    for the lock and then fails on the removed stage). ``Scorecard.stage`` is ``PROTECT``: a delete never
    takes a scorecard with it, whatever deletes the stage (the Django admin, a shell), and should one slip
    past the count here, the answer is the same 409.
    """
    _check_stage(organisation=organisation, stage=stage)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if _stage_uses(stage):
        raise _stage_kept(stage)
    try:
        with transaction.atomic():
            stage.delete()
    except (ProtectedError, IntegrityError) as exc:
        raise _stage_kept(stage) from exc


def _stage_uses(stage: Stage) -> dict[str, int]:
    """What refers to the stage: ``{"scorecard": 2, "invitation": 1}`` (nothing: empty)."""
    counts = {"scorecard": stage.scorecards.count(), "invitation": stage.invitations.count()}
    return {what: count for what, count in counts.items() if count}


def _stage_kept(stage: Stage) -> ConflictError:
    uses = _stage_uses(stage) or {"scorecard": 1}  # only the foreign key saw it: a scorecard the count missed
    held = " and ".join(f"{count} {what}{'' if count == 1 else 's'}" for what, count in uses.items())
    return ConflictError(
        f"This stage has {held}: interview feedback is never deleted, so the stage stays. To go on without it, "
        "clone the loop, remove the stage from the copy and archive this loop.",
        code="stage_in_use",
        details=uses,
    )


@transaction.atomic
def loop_archive(*, organisation: Organisation, loop: Loop, archived: bool = True) -> Loop:
    """Archive a loop (or restore it): it keeps its feedback and is listed last; its interviews leave the queues."""
    _check_loop(organisation=organisation, loop=loop)
    loop.is_archived = archived
    loop.save(update_fields=["is_archived", "updated_at"])
    return loop


def _check_interview_stage(stage: Stage) -> None:
    if stage.kind != StageKind.INTERVIEW:
        raise ApplicationError("Only live interview stages have interviewers.", code="not_an_interview")


@transaction.atomic
def stage_interviewer_assign(*, organisation: Organisation, stage: Stage, user: AbstractBaseUser) -> StageInterviewer:
    """Assign an organisation member to an interview stage (idempotent)."""
    _check_stage(organisation=organisation, stage=stage)
    _check_interview_stage(stage)
    if not membership_is_active_member(organisation_id=organisation.pk, user_id=user.pk):
        raise ApplicationError("Interviewers must be active members of the organisation.", code="not_a_member")
    assignment, created = StageInterviewer.objects.get_or_create(stage=stage, user_id=user.pk)
    if created:  # internal (not a webhook type): the interviewer is told by e-mail (docs/email.md)
        event_record(
            organisation_id=organisation.pk,
            type="stage.interviewer_assigned",
            payload={
                "assignment_id": assignment.pk,
                "stage_id": stage.pk,
                "loop_id": stage.loop_id,
                "user_id": user.pk,
            },
        )
    return assignment


@transaction.atomic
def stage_focus_questions_set(
    *, organisation: Organisation, stage: Stage, interviewer: AbstractBaseUser, questions: Sequence[Question]
) -> list[FocusQuestion]:
    """Replace the focus questions this interviewer covers on the stage, in the given order."""
    _check_stage(organisation=organisation, stage=stage)
    _check_interview_stage(stage)
    if not StageInterviewer.objects.filter(stage=stage, user_id=interviewer.pk).exists():
        raise ApplicationError("Assign the interviewer to the stage first.", code="not_assigned")
    if len({q.pk for q in questions}) != len(questions):
        raise ApplicationError("A focus question is listed twice.", code="duplicate_question")
    for question in questions:
        if question.organisation_id != organisation.pk:
            raise ApplicationError("That question belongs to another organisation.", code="wrong_organisation")
        if question.kind == QuestionKind.CODING:
            raise ApplicationError("Focus questions are conceptual or behavioural, not coding.", code="coding_question")
    Stage.objects.select_for_update().filter(pk=stage.pk).first()
    FocusQuestion.objects.filter(stage=stage, interviewer_id=interviewer.pk).delete()
    taken = FocusQuestion.objects.filter(stage=stage, question__in=[q.pk for q in questions])
    if taken.exists():
        titles = ", ".join(sorted(f.question.title for f in taken.select_related("question")))
        raise ApplicationError(f"Already covered by another interviewer on this stage: {titles}.", code="taken")
    last = FocusQuestion.objects.filter(stage=stage).aggregate(m=Max("position"))["m"] or 0
    created = []
    for offset, question in enumerate(questions, start=1):
        focus = FocusQuestion(stage=stage, question=question, position=last + offset, interviewer_id=interviewer.pk)
        _full_clean(focus)
        focus.save()
        created.append(focus)
    return created


@transaction.atomic
def loop_clone(*, organisation: Organisation, loop: Loop, title: str | None = None) -> Loop:
    """A new, independent loop with the same stages, interviewers and focus questions."""
    _check_loop(organisation=organisation, loop=loop)
    copy = loop_create(
        organisation=organisation,
        title=title or f"{loop.title} (copy)",
        role=loop.role,
        description=loop.description,
    )
    for stage in Stage.objects.filter(loop=loop).order_by("position"):
        new_stage = Stage.objects.create(
            loop=copy,
            position=stage.position,
            kind=stage.kind,
            title=stage.title,
            question_set=stage.question_set,
            duration_minutes=stage.duration_minutes,
            weight=stage.weight,
        )
        StageInterviewer.objects.bulk_create(
            StageInterviewer(stage=new_stage, user_id=a.user_id) for a in stage.interviewer_assignments.all()
        )
        FocusQuestion.objects.bulk_create(
            FocusQuestion(
                stage=new_stage, question_id=f.question_id, position=f.position, interviewer_id=f.interviewer_id
            )
            for f in stage.focus_questions.all()
        )
    return copy

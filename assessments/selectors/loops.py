"""The organisation's loops and their stages, and what a loop's timed assessments show the candidate."""

from typing import Any

from django.db.models import QuerySet

from assessments.models import Loop, SectionItem, Stage, StageInterviewer, StageKind
from assessments.selectors.questions import question_preview
from common.lookups import one_or_not_found
from organisations.models import Organisation


def loop_list(*, organisation: Organisation) -> QuerySet[Loop]:
    return Loop.objects.filter(organisation=organisation).order_by("is_archived", "title", "pk")


def loop_get(*, organisation: Organisation, pk: int) -> Loop:
    return one_or_not_found(loop_list(organisation=organisation), pk, "loop")


def stage_get(*, organisation: Organisation, pk: int) -> Stage:
    stages = Stage.objects.filter(loop__organisation=organisation).select_related("loop", "question_set")
    return one_or_not_found(stages, pk, "stage")


def assessment_stage_list(*, organisation: Organisation, archived: bool = False) -> QuerySet[Stage]:
    """The timed assessment stages candidates may be invited to (of loops not archived, unless ``archived``),
    by loop and position."""
    stages = Stage.objects.filter(
        loop__organisation=organisation, kind=StageKind.ASSESSMENT, question_set__isnull=False
    )
    if not archived:
        stages = stages.filter(loop__is_archived=False)
    return stages.select_related("loop", "question_set").order_by("loop__title", "loop_id", "position")


def stages_using_question_set(*, organisation: Organisation, question_set_id: int) -> list[Stage]:
    """The organisation's assessment stages on this question set (archived loops' too), with their loops."""
    stages = Stage.objects.filter(
        loop__organisation=organisation, kind=StageKind.ASSESSMENT, question_set_id=question_set_id
    )
    return list(stages.select_related("loop", "question_set").order_by("pk"))


def interview_stage_get(*, organisation: Organisation, pk: int) -> Stage:
    """A live interview stage (not a timed assessment) of the organisation, with its loop."""
    stages = Stage.objects.filter(loop__organisation=organisation, kind=StageKind.INTERVIEW).select_related("loop")
    return one_or_not_found(stages, pk, "interview stage")


def stage_has_interviewer(*, stage: Stage, user_id: int) -> bool:
    """Whether the user is assigned to interview on this stage."""
    return StageInterviewer.objects.filter(stage=stage, user_id=user_id).exists()


def loop_stage_get(*, loop: Loop, pk: int) -> Stage:
    """A stage of this loop (the loop was read through ``loop_get``, so it is the caller's organisation's)."""
    return one_or_not_found(Stage.objects.filter(loop=loop), pk, "stage")


def loop_stage_list(*, loop: Loop) -> list[Stage]:
    """The loop's stages in order, with their question set, interviewers and focus questions."""
    return list(
        Stage.objects.filter(loop=loop)
        .select_related("question_set")
        .prefetch_related("interviewer_assignments__user", "focus_questions__question")
        .order_by("position")
    )


def loop_preview(*, loop: Loop) -> list[dict[str, Any]]:
    """Each timed assessment stage as the candidate is shown it: titles and prompts (and starter code),
    never answers or tests."""
    stages = Stage.objects.filter(loop=loop, kind=StageKind.ASSESSMENT).select_related("question_set")
    return [_stage_preview(stage) for stage in stages.order_by("position")]


def _stage_preview(stage: Stage) -> dict[str, Any]:
    items = (
        SectionItem.objects.filter(section__question_set_id=stage.question_set_id)
        .select_related("section", "question")
        .order_by("section__position", "position")
    )
    questions = [
        question_preview(question=item.question, number=number) | {"section": item.section.title, "points": item.points}
        for number, item in enumerate(items, start=1)
    ]
    return {"stage": stage, "questions": questions}

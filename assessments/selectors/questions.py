"""The organisation's question bank."""

from django.db.models import QuerySet

from assessments.models import Question, QuestionKind
from common.lookups import one_or_not_found
from organisations.models import Organisation


def question_list(*, organisation: Organisation) -> QuerySet[Question]:
    return Question.objects.filter(organisation=organisation).prefetch_related("revisions").order_by("title", "pk")


def question_get(*, organisation: Organisation, pk: int) -> Question:
    return one_or_not_found(question_list(organisation=organisation), pk, "question")


def question_focus_choices(*, organisation: Organisation) -> list[Question]:
    """The questions an interviewer can cover live: not archived, not coding; by title."""
    return list(
        Question.objects.filter(organisation=organisation, is_archived=False)
        .exclude(kind=QuestionKind.CODING)
        .order_by("title", "pk")
    )


def question_in_bulk(*, organisation: Organisation, pks: list[int]) -> dict[int, Question]:
    """The organisation's questions among ``pks``, by id (another organisation's are simply absent)."""
    return Question.objects.filter(organisation=organisation).in_bulk(pks)

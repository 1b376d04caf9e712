"""The organisation's question bank."""

from django.db.models import QuerySet

from assessments.models import Organisation, Question
from common.lookups import one_or_not_found


def question_list(*, organisation: Organisation) -> QuerySet[Question]:
    return Question.objects.filter(organisation=organisation).prefetch_related("revisions").order_by("title", "pk")


def question_get(*, organisation: Organisation, pk: int) -> Question:
    return one_or_not_found(question_list(organisation=organisation), pk, "question")

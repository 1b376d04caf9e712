"""The organisation's question sets."""

from django.db.models import QuerySet

from assessments.models import QuestionSet
from common.lookups import one_or_not_found
from organisations.models import Organisation


def question_set_list(*, organisation: Organisation) -> QuerySet[QuestionSet]:
    return QuestionSet.objects.filter(organisation=organisation).prefetch_related("sections__items").order_by("pk")


def question_set_get(*, organisation: Organisation, pk: int) -> QuestionSet:
    return one_or_not_found(question_set_list(organisation=organisation), pk, "question set")


def question_set_choices(*, organisation: Organisation) -> QuerySet[QuestionSet]:
    """The organisation's question sets by title, for a form's choices."""
    return QuestionSet.objects.filter(organisation=organisation).order_by("title")

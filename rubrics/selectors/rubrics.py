from django.db.models import QuerySet

from assessments.models import Organisation
from common.exceptions import NotFoundError
from rubrics.models import Rubric


def rubric_list(*, organisation: Organisation) -> QuerySet[Rubric]:
    return Rubric.objects.filter(organisation=organisation).prefetch_related("criteria__levels").order_by("pk")


def rubric_get(*, organisation: Organisation, pk: int) -> Rubric:
    rubric = rubric_list(organisation=organisation).filter(pk=pk).first()
    if rubric is None:
        raise NotFoundError(f"No rubric with id {pk}.")
    return rubric

"""The organisation's rubrics with their criteria and anchored levels."""

from django.db.models import QuerySet

from common.lookups import one_or_not_found
from organisations.models import Organisation
from rubrics.models import Rubric


def rubric_list(*, organisation: Organisation) -> QuerySet[Rubric]:
    return Rubric.objects.filter(organisation=organisation).prefetch_related("criteria__levels").order_by("pk")


def rubric_get(*, organisation: Organisation, pk: int) -> Rubric:
    return one_or_not_found(rubric_list(organisation=organisation), pk, "rubric")

"""The organisation's loops and their stages."""

from assessments.models import Organisation, Stage
from common.lookups import one_or_not_found


def stage_get(*, organisation: Organisation, pk: int) -> Stage:
    return one_or_not_found(Stage.objects.filter(loop__organisation=organisation).select_related("loop"), pk, "stage")

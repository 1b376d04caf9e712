"""The organisation's candidates."""

from django.db.models import QuerySet

from assessments.models import Candidate
from common.lookups import one_or_not_found
from organisations.models import Organisation


def candidate_list(*, organisation: Organisation) -> QuerySet[Candidate]:
    return Candidate.objects.filter(organisation=organisation).order_by("pk")


def candidate_get(*, organisation: Organisation, pk: int) -> Candidate:
    return one_or_not_found(candidate_list(organisation=organisation), pk, "candidate")

"""The organisation's Markdown import jobs (without their documents: a status read stays small)."""

from django.db.models import QuerySet
from django.db.models.functions import Length

from assessments.models import ImportJob
from common.lookups import one_or_not_found
from organisations.models import Organisation


def import_job_list(*, organisation: Organisation) -> QuerySet[ImportJob]:
    """The jobs, newest first, each with ``characters``: the length of its document, which is not loaded."""
    jobs = ImportJob.objects.filter(organisation=organisation).select_related("question_set").defer("source")
    return jobs.annotate(characters=Length("source")).order_by("-pk")


def import_job_get(*, organisation: Organisation, pk: int) -> ImportJob:
    """One of the organisation's jobs; another organisation's is "not found", like a missing one."""
    jobs = import_job_list(organisation=organisation).prefetch_related("question_set__sections__items")
    return one_or_not_found(jobs, pk, "import job")

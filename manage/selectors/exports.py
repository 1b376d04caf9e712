"""A loop's pipeline as export rows: each candidate's pipeline status with their assessment in the loop.

The candidates and statuses are the pipeline page's (``manage.selectors.pipeline``), so the export and the
page agree; the coding score is the attempt result's (``rubrics.selectors.attempt_results``), so it is the
report's, the API's and Greenhouse's. A fixed number of queries whatever the number of candidates.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from assessments.models import Attempt, Loop, Stage
from manage.selectors.pipeline import PipelineEntry
from organisations.models import Organisation
from rubrics.models import Scorecard, ScorecardStatus
from rubrics.selectors.attempt_results import CodingScores, attempts_coding_scores


@dataclass(frozen=True)
class ExportRow:
    entry: PipelineEntry
    attempt: Attempt | None  # the candidate's latest assessment attempt in the loop
    scores: CodingScores | None
    scorecards_submitted: int


def pipeline_export_rows(*, organisation: Organisation, loop: Loop, entries: list[PipelineEntry]) -> list[ExportRow]:
    candidate_ids = [entry.candidate.pk for entry in entries]
    latest = _latest_attempts(organisation, loop, candidate_ids)
    scores = attempts_coding_scores(attempt_ids=[attempt.pk for attempt in latest.values()])
    cards = Counter(
        Scorecard.objects.filter(
            organisation=organisation,
            stage__loop=loop,
            candidate_id__in=candidate_ids,
            status=ScorecardStatus.SUBMITTED,
        ).values_list("candidate_id", flat=True)
    )
    rows = []
    for entry in entries:
        attempt = latest.get(entry.candidate.pk)
        rows.append(ExportRow(entry, attempt, scores[attempt.pk] if attempt else None, cards[entry.candidate.pk]))
    return rows


def _latest_attempts(organisation: Organisation, loop: Loop, candidate_ids: list[int]) -> dict[int, Attempt]:
    """Candidate id → their most recently started attempt in the loop (stage-less ones by the loop's sets)."""
    sets = Stage.objects.filter(loop=loop, question_set__isnull=False).values("question_set_id")
    in_loop = Q(invitation__stage__loop=loop) | Q(invitation__stage__isnull=True, invitation__question_set_id__in=sets)
    attempts = (
        Attempt.objects.filter(in_loop, organisation=organisation, invitation__candidate_id__in=candidate_ids)
        .select_related("invitation")
        .order_by("started_at", "pk")
    )
    return {attempt.invitation.candidate_id: attempt for attempt in attempts}  # the last one started wins


def export_time(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else None

"""The loops with their pipelines: how many candidates are at each step, and a loop's candidates by status."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from assessments.selectors.loops import loop_get, loop_list
from common.links import site_url
from manage.exports import Cell, csv_response
from manage.selectors import pipeline
from manage.selectors.exports import ExportRow, export_time, pipeline_export_rows
from manage.views.base import found_or_404, search_text
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_params, organisation_query, organisation_slug
from organisations.selectors import MANAGER_ROLES


@organisation_page(roles=MANAGER_ROLES)
def loop_list_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    loops = list(loop_list(organisation=membership.organisation))
    counts = pipeline.loop_status_counts(organisation=membership.organisation, loops=loops)
    suffix = organisation_query(request)
    rows = [
        {
            "loop": loop,
            "counts": [counts[loop.pk][status] for status in pipeline.STATUSES],
            "total": sum(counts[loop.pk].values()),
            "pipeline_url": reverse("manage-loop-pipeline", args=[loop.pk]) + suffix,
            "calibration_url": reverse("manage-loop-calibration", args=[loop.pk]) + suffix,
        }
        for loop in loops
    ]
    context = {"organisation": membership.organisation, "rows": rows, "statuses": pipeline.STATUS_CHOICES}
    return render(request, "manage/pipeline.html", {**context, "page": "loops"})


def _filters(request: HttpRequest) -> tuple[str, str]:
    """The pipeline's status filter (a known one, or none) and search, from the query string."""
    status = request.GET.get("status", "")
    return (status if status in pipeline.STATUSES else ""), search_text(request)


@organisation_page(roles=MANAGER_ROLES)
def loop_pipeline_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    loop = found_or_404(loop_get, organisation=membership.organisation, pk=pk)
    status, search = _filters(request)
    entries = pipeline.loop_pipeline(organisation=membership.organisation, loop=loop, status=status, search=search)
    report_query = urlencode({"loop": loop.pk, **organisation_params(request)})
    rows = [
        {
            "entry": entry,
            "report_url": reverse("manage-candidate-report", args=[entry.candidate.pk]) + f"?{report_query}",
        }
        for entry in entries
    ]
    filters = [
        {
            "value": value,
            "label": label,
            "active": value == status,
            "url": "?"
            + urlencode({**organisation_params(request), **({"status": value} if value else {}), "q": search}),
        }
        for value, label in (("", "All"), *pipeline.STATUS_CHOICES)
    ]
    context = {
        "organisation": membership.organisation,
        "loop": loop,
        "rows": rows,
        "status": status,
        "search": search,
        "filters": filters,
        "org": organisation_slug(request),
        "calibration_url": reverse("manage-loop-calibration", args=[loop.pk]) + organisation_query(request),
        "csv_url": reverse("manage-loop-pipeline-csv", args=[loop.pk])
        + organisation_query(request, status=status, q=search),
        "page": "pipeline",
    }
    return render(request, "manage/pipeline.html", context)


CSV_HEADER = (
    "Candidate",
    "Email",
    "External id",
    "Status",
    "Decision",
    "Assessment",
    "Started (UTC)",
    "Submitted (UTC)",
    "Coding score",
    "Graded coding score",
    "Score overridden",
    "Scorecards submitted",
    "Report",
)


@organisation_page(roles=MANAGER_ROLES)
def loop_pipeline_csv_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The pipeline as shown (same filters), one row per candidate, as a CSV download."""
    loop = found_or_404(loop_get, organisation=membership.organisation, pk=pk)
    status, search = _filters(request)
    entries = pipeline.loop_pipeline(organisation=membership.organisation, loop=loop, status=status, search=search)
    rows = pipeline_export_rows(organisation=membership.organisation, loop=loop, entries=entries)
    filename = f"{slugify(loop.title) or 'loop'}-pipeline-{timezone.now():%Y-%m-%d}.csv"
    return csv_response(filename, CSV_HEADER, (_csv_row(row, loop.pk) for row in rows))


def _csv_row(row: ExportRow, loop_id: int) -> tuple[Cell, ...]:
    candidate, attempt, scores = row.entry.candidate, row.attempt, row.scores
    return (
        candidate.name,
        candidate.email,
        candidate.external_id,
        row.entry.status_label,
        row.entry.decision_label,
        attempt.get_status_display() if attempt else None,
        export_time(attempt.started_at) if attempt else None,
        export_time(attempt.submitted_at) if attempt else None,
        scores.score if scores else None,
        scores.graded_score if scores else None,
        scores.overridden if scores else None,
        row.scorecards_submitted,
        site_url("manage-candidate-report", candidate.pk) + f"?loop={loop_id}",
    )

"""The loops with their pipelines: how many candidates are at each step, and a loop's candidates by status."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from assessments.selectors.loops import loop_get, loop_list
from manage.selectors import pipeline
from manage.views.base import found_or_404
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


@organisation_page(roles=MANAGER_ROLES)
def loop_pipeline_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    loop = found_or_404(loop_get, organisation=membership.organisation, pk=pk)
    status = request.GET.get("status", "")
    if status not in pipeline.STATUSES:
        status = ""
    search = request.GET.get("q", "")[:200]
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
        "page": "pipeline",
    }
    return render(request, "manage/pipeline.html", context)

"""A loop's interviewer calibration: agreement, leniency and spread of the submitted ratings, with charts."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from assessments.selectors.loops import loop_get
from manage.charts import leniency_chart, ratings_histogram_chart
from manage.views.base import found_or_404
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import MANAGER_ROLES
from rubrics.selectors.calibration import loop_calibration


@organisation_page(roles=MANAGER_ROLES)
def loop_calibration_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    loop = found_or_404(loop_get, organisation=membership.organisation, pk=pk)
    report = loop_calibration(loop=loop)
    context = {
        "organisation": membership.organisation,
        "loop": loop,
        "report": report,
        "leniency_chart": leniency_chart(report.interviewers) if report.interviewers else None,
        "histogram_chart": ratings_histogram_chart(report.interviewers) if report.interviewers else None,
        "pipeline_url": reverse("manage-loop-pipeline", args=[loop.pk]) + organisation_query(request),
    }
    return render(request, "manage/calibration.html", context)

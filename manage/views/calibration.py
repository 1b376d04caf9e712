"""A loop's interviewer calibration: agreement, leniency and spread of the submitted ratings, with charts."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from assessments.selectors.loops import loop_get
from manage.charts import leniency_chart, ratings_histogram_chart
from manage.views.base import found_or_404, manager_membership, org_suffix
from rubrics.selectors.calibration import loop_calibration


@login_required
def loop_calibration_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = manager_membership(request)
    loop = found_or_404(loop_get, organisation=membership.organisation, pk=pk)
    report = loop_calibration(loop=loop)
    context = {
        "organisation": membership.organisation,
        "loop": loop,
        "report": report,
        "leniency_chart": leniency_chart(report.interviewers) if report.interviewers else None,
        "histogram_chart": ratings_histogram_chart(report.interviewers) if report.interviewers else None,
        "pipeline_url": reverse("manage-loop-pipeline", args=[loop.pk]) + org_suffix(request),
    }
    return render(request, "manage/calibration.html", context)

"""Hiring managers' loop pages: the loops with their pipelines, and interviewer calibration per loop."""

import math
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assessments.models import Loop, Membership
from manage.charts import COLOURS, LABEL_WIDTH, PLOT_WIDTH, ROW_HEIGHT, _label, _open, _value
from manage.selectors import pipeline
from manage.views.candidates import _manager_membership
from rubrics.selectors.calibration import SCALE, InterviewerCalibration, loop_calibration


def _loop_or_404(membership: Membership, pk: int) -> Loop:
    loop = pipeline.loop_get(organisation=membership.organisation, pk=pk)
    if loop is None:
        raise Http404("No such loop.")
    return loop


def _org_query(request: HttpRequest) -> dict[str, str]:
    org = request.GET.get("org")
    return {"org": org} if org else {}


@login_required
def loop_list_view(request: HttpRequest) -> HttpResponse:
    membership = _manager_membership(request)
    loops = list(pipeline.loop_list(organisation=membership.organisation))
    counts = pipeline.loop_status_counts(organisation=membership.organisation, loops=loops)
    suffix = f"?{urlencode(_org_query(request))}" if _org_query(request) else ""
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


@login_required
def loop_pipeline_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    loop = _loop_or_404(membership, pk)
    status = request.GET.get("status", "")
    if status not in pipeline.STATUSES:
        status = ""
    search = request.GET.get("q", "")[:200]
    entries = pipeline.loop_pipeline(organisation=membership.organisation, loop=loop, status=status, search=search)
    report_query = urlencode({"loop": loop.pk, **_org_query(request)})
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
            "url": "?" + urlencode({**_org_query(request), **({"status": value} if value else {}), "q": search}),
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
        "org": request.GET.get("org", ""),
        "calibration_url": reverse("manage-loop-calibration", args=[loop.pk])
        + (f"?{urlencode(_org_query(request))}" if _org_query(request) else ""),
        "page": "pipeline",
    }
    return render(request, "manage/pipeline.html", context)


@login_required
def loop_calibration_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    loop = _loop_or_404(membership, pk)
    report = loop_calibration(loop=loop)
    context = {
        "organisation": membership.organisation,
        "loop": loop,
        "report": report,
        "leniency_chart": leniency_chart(report.interviewers) if report.interviewers else None,
        "histogram_chart": ratings_histogram_chart(report.interviewers) if report.interviewers else None,
        "pipeline_url": reverse("manage-loop-pipeline", args=[loop.pk])
        + (f"?{urlencode(_org_query(request))}" if _org_query(request) else ""),
    }
    return render(request, "manage/calibration.html", context)


def leniency_chart(rows: list[InterviewerCalibration]) -> SafeString:
    """One horizontal bar per interviewer from a zero line: right = more lenient than the panel, left = harsher."""
    finite = [abs(row.leniency) for row in rows if not math.isnan(row.leniency)]
    limit = max(1.0, math.ceil(max(finite, default=0.0) * 2) / 2)
    height = 30 + ROW_HEIGHT * len(rows)
    centre = LABEL_WIDTH + PLOT_WIDTH / 2

    def x(value: float) -> float:
        return centre + (PLOT_WIDTH / 2) * max(-1.0, min(value / limit, 1.0))

    parts = [
        _open(
            height,
            "Leniency per interviewer",
            "Each interviewer's mean rating offset from the rest of the panel; zero is the panel",
        )
    ]
    for tick in (-limit, -limit / 2, 0.0, limit / 2, limit):
        tx = x(tick)
        parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="0" y2="{height - 18}" stroke="#e5e7eb"></line>')
        parts.append(f'<text x="{tx:.1f}" y="{height - 4}" font-size="10" text-anchor="middle">{tick:+.1f}</text>')
    for index, row in enumerate(rows):
        y = 10 + index * ROW_HEIGHT
        parts.append(_label(y, row.name))
        if math.isnan(row.leniency):
            parts.append(_value(y, "no shared units"))
            continue
        left, right = sorted((centre, x(row.leniency)))
        colour = COLOURS[0] if row.leniency >= 0 else COLOURS[1]
        parts.append(
            f'<rect class="leniency" x="{left:.1f}" y="{y + 3:.1f}" width="{max(right - left, 1):.1f}" height="14" '
            f'fill="{colour}"><title>{escape(row.name)}: {row.leniency:+.2f} over {row.shared_units} shared units'
            f"</title></rect>"
        )
        parts.append(_value(y, f"{row.leniency:+.2f}"))
    parts.append(
        f'<line class="zero" x1="{centre:.1f}" x2="{centre:.1f}" y1="0" y2="{height - 18}" '
        f'stroke="#111827" stroke-width="2"></line>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped or a number we formatted


def ratings_histogram_chart(rows: list[InterviewerCalibration]) -> SafeString:
    """Per interviewer, a small histogram of how often they gave each score on the 1–4 scale."""
    row_height = 44
    height = 30 + row_height * len(rows)
    slot = PLOT_WIDTH / len(SCALE)
    bar_width = min(slot - 8, 40.0)
    most = max((max(row.histogram.values(), default=0) for row in rows), default=0) or 1
    parts = [_open(height, "Ratings per interviewer", "How many times each interviewer gave each score from 1 to 4")]
    for i, score in enumerate(SCALE):
        cx = LABEL_WIDTH + slot * i + slot / 2
        parts.append(f'<text x="{cx:.1f}" y="{height - 4}" font-size="10" text-anchor="middle">{score}</text>')
    for index, row in enumerate(rows):
        top = 8 + index * row_height
        baseline = top + row_height - 8
        parts.append(_label(baseline - 20, row.name))
        parts.append(
            f'<line x1="{LABEL_WIDTH}" x2="{LABEL_WIDTH + PLOT_WIDTH}" y1="{baseline:.1f}" y2="{baseline:.1f}" '
            f'stroke="#9ca3af"></line>'
        )
        for i, score in enumerate(SCALE):
            count = row.histogram.get(score, 0)
            bar_height = (row_height - 14) * count / most
            bx = LABEL_WIDTH + slot * i + (slot - bar_width) / 2
            parts.append(
                f'<rect class="bin" x="{bx:.1f}" y="{baseline - bar_height:.1f}" width="{bar_width:.1f}" '
                f'height="{bar_height:.1f}" fill="{COLOURS[index % len(COLOURS)]}"><title>{escape(row.name)}: '
                f"{count} × {score}</title></rect>"
            )
        parts.append(_value(baseline - 20, f"n={row.ratings}"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped or a number we formatted

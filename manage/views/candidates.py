"""The candidates: a list (search; filter by loop and status) and a page per candidate with everything about them."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from assessments.models import Loop
from assessments.selectors.candidates import candidate_get
from assessments.selectors.loops import loop_list
from manage.selectors.candidates import NO_LOOP, candidate_directory, candidate_overview, directory_rows
from manage.selectors.pipeline import STATUS_CHOICES
from manage.views.base import candidate_report_url, found_or_404, search_text
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_params, organisation_query
from organisations.selectors import MANAGER_ROLES

PAGE_SIZE = 50
STATUS_FILTERS = (*STATUS_CHOICES, (NO_LOOP, "In no loop"))


def _loop_filter(request: HttpRequest, loops: list[Loop]) -> Loop | None:
    wanted = request.GET.get("loop", "")
    return next((loop for loop in loops if str(loop.pk) == wanted), None)


@organisation_page(roles=MANAGER_ROLES)
def candidate_list_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    search = search_text(request)
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_FILTERS) else ""
    loops = list(loop_list(organisation=organisation))
    loop = _loop_filter(request, loops)
    candidates, statuses = candidate_directory(
        organisation=organisation, loops=loops, search=search, loop=loop, status=status
    )
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = directory_rows(organisation=organisation, candidates=list(page), loops=loops, statuses=statuses)
    params = {**organisation_params(request), "q": search, "loop": loop.pk if loop else "", "status": status}
    context = {
        "organisation": organisation,
        "rows": rows,
        "page": page,
        "loops": loops,
        "loop": loop,
        "status": status,
        "statuses": STATUS_FILTERS,
        "search": search,
        "org": organisation_params(request).get("org", ""),
        "page_query": urlencode({key: value for key, value in params.items() if value not in ("", None)}),
    }
    return render(request, "manage/candidates.html", context)


@organisation_page(roles=MANAGER_ROLES)
def candidate_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    candidate = found_or_404(candidate_get, organisation=membership.organisation, pk=pk)
    overview = candidate_overview(organisation=membership.organisation, candidate=candidate)
    for loop_row in overview.loops:
        loop_row.report_url = candidate_report_url(request, candidate.pk, loop_row.loop.pk)
    for row in overview.invitations:
        attempt = row["attempt"]
        row["report_url"] = (
            reverse("manage-attempt", args=[attempt.pk]) + organisation_query(request) if attempt else ""
        )
    context = {
        "organisation": membership.organisation,
        "candidate": candidate,
        "loops": overview.loops,
        "invitations": overview.invitations,
        "decisions": overview.decisions,
        "outside_report_url": candidate_report_url(request, candidate.pk, None),
        "has_stageless": any(row["invitation"].stage_id is None for row in overview.invitations),
        "invite_url": reverse("manage-invitations") + organisation_query(request),
    }
    return render(request, "manage/candidate.html", context)

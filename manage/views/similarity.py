"""Side-by-side view of two final submissions flagged as similar: evidence for a reviewer, never a verdict."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from manage.selectors.similarity import submission_similarity
from manage.views.base import found_or_404
from organisations.models import Membership
from organisations.pages import organisation_page
from organisations.selectors import MANAGER_ROLES


@organisation_page(roles=MANAGER_ROLES)
def similarity_view(request: HttpRequest, membership: Membership, submission_a: int, submission_b: int) -> HttpResponse:
    organisation = membership.organisation
    comparison = found_or_404(
        submission_similarity, organisation=organisation, submission_a=submission_a, submission_b=submission_b
    )
    return render(request, "manage/similarity.html", {"organisation": organisation, **comparison})

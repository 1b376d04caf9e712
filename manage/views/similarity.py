"""Side-by-side view of two final submissions flagged as similar: evidence for a reviewer, never a verdict."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from manage.selectors.similarity import submission_similarity
from manage.views.base import found_or_404, manager_membership


@login_required
def similarity_view(request: HttpRequest, submission_a: int, submission_b: int) -> HttpResponse:
    membership = manager_membership(request)
    organisation = membership.organisation
    comparison = found_or_404(
        submission_similarity, organisation=organisation, submission_a=submission_a, submission_b=submission_b
    )
    return render(request, "manage/similarity.html", {"organisation": organisation, **comparison})

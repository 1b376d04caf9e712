"""What every hiring-manager page shares besides its organisation (organisations.pages): 404 for what is missing,
and the search box's text."""

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django import forms
from django.http import Http404, HttpRequest
from django.urls import reverse

from assessments.models import Attempt
from common.exceptions import NotFoundError
from organisations.pages import organisation_query

P = ParamSpec("P")
T = TypeVar("T")


def search_text(request: HttpRequest) -> str:
    """A page's ``?q=`` search, bounded, without the NUL character a database text column refuses (a 500)."""
    return request.GET.get("q", "")[:200].replace("\x00", "")


def found_or_404(read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``read(...)``, a selector; its ``NotFoundError`` is the 404 page (another organisation's object included)."""
    try:
        return read(*args, **kwargs)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def candidate_report_url(
    request: HttpRequest, candidate_id: int, loop_id: int | None, attempt_id: int | None = None
) -> str:
    """The report's path with the page's ``?org=``: of the loop, or without one of the attempts outside loops."""
    url = reverse("manage-candidate-report", args=[candidate_id]) + organisation_query(request, loop=loop_id)
    return url + (f"#attempt-{attempt_id}" if attempt_id else "")


def attempt_report_url(request: HttpRequest, attempt: Attempt) -> str:
    """The report that shows ``attempt``, at it: its candidate's in the attempt's loop, else outside the loops."""
    stage = attempt.invitation.stage
    return candidate_report_url(request, attempt.invitation.candidate_id, stage.loop_id if stage else None, attempt.pk)


def form_problems(form: forms.Form) -> str:
    """A form's errors in one line, for a message on the page it was posted from."""
    return "; ".join(
        f"{form[name].label}: {' '.join(map(str, errors))}" if name in form.fields else " ".join(map(str, errors))
        for name, errors in form.errors.items()
    )

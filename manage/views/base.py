"""What every hiring-manager page shares besides its organisation (organisations.pages): 404 for what is missing."""

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


def found_or_404(read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``read(...)``, a selector; its ``NotFoundError`` is the 404 page (another organisation's object included)."""
    try:
        return read(*args, **kwargs)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def attempt_report_url(request: HttpRequest, attempt: Attempt) -> str:
    """The report that shows ``attempt``: its candidate's in the attempt's loop (the invitations page without one)."""
    stage = attempt.invitation.stage
    if stage is None:
        return reverse("manage-invitations") + organisation_query(request)
    url = reverse("manage-candidate-report", args=[attempt.invitation.candidate_id])
    return url + organisation_query(request, loop=stage.loop_id) + f"#attempt-{attempt.pk}"


def form_problems(form: forms.Form) -> str:
    """A form's errors in one line, for a message on the page it was posted from."""
    return "; ".join(
        f"{form[name].label}: {' '.join(map(str, errors))}" if name in form.fields else " ".join(map(str, errors))
        for name, errors in form.errors.items()
    )

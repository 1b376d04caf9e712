"""Acting on a candidate's attempt from the report: more time for an attempt under way (an accommodation)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from assessments.selectors.attempts import attempt_get
from assessments.services.accommodations import MAX_EXTRA_MINUTES
from assessments.services.attempts import attempt_extend
from common.exceptions import ApplicationError
from manage.views.base import attempt_report_url, form_problems, found_or_404
from organisations.models import Membership
from organisations.pages import organisation_page
from organisations.selectors import MANAGER_ROLES


class ExtendForm(forms.Form):
    """One per attempt on the report: its fields are prefixed with the attempt's id (``extend-<pk>-``)."""

    minutes = forms.IntegerField(min_value=1, max_value=MAX_EXTRA_MINUTES, initial=15, label="Extra minutes")
    reason = forms.CharField(max_length=2000, label="Why (kept on record)")


def extend_form(attempt_id: int, data: object = None) -> ExtendForm:
    return ExtendForm(data, prefix=f"extend-{attempt_id}")  # type: ignore[arg-type]


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def attempt_extend_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    attempt = found_or_404(attempt_get, organisation=membership.organisation, pk=pk)
    form = extend_form(attempt.pk, request.POST)
    if not form.is_valid():
        messages.error(request, f"The time was not extended. {form_problems(form)}")
        return redirect(attempt_report_url(request, attempt))
    try:
        extended = attempt_extend(
            attempt=attempt, minutes=form.cleaned_data["minutes"], reason=form.cleaned_data["reason"], by=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        ends = extended.deadline.strftime("%d %b %Y, %H:%M UTC")
        messages.success(request, f"Extended by {form.cleaned_data['minutes']} minutes: the attempt now ends {ends}.")
    return redirect(attempt_report_url(request, attempt))

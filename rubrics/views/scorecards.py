"""The interviewer's scorecard page: the focus questions with their rubrics; autosave and submit go through the
JSON API (api.views.scorecards); amending a submitted scorecard is a form here."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from assessments.models import Candidate, Stage
from assessments.selectors.candidates import candidate_get, candidate_in_loop
from assessments.selectors.loops import interview_stage_get, stage_has_interviewer
from common.exceptions import ApplicationError, NotFoundError
from organisations.models import Membership
from organisations.pages import organisation_page
from rubrics.models import Recommendation, Scorecard, ScorecardStatus
from rubrics.selectors.scorecards import (
    scorecard_amendment_list,
    scorecard_list_others_submitted,
    scorecard_own_get,
    scorecard_sections,
)
from rubrics.services.scorecards import RatingInput, scorecard_amend


class AmendForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, label="Why are you amending?")
    recommendation = forms.ChoiceField(choices=Recommendation.choices, label="Overall recommendation")
    key_takeaways = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000, required=False, label="Key take-aways"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000, required=False, label="Notes")


def _amended_ratings(data: Any, sections: list[dict[str, Any]]) -> list[RatingInput]:
    """The ratings the amend form changes (``rating-<question>-<criterion>`` = 1–4); unchanged ones are left out."""
    changed: list[RatingInput] = []
    for section in sections:
        for row in section["criteria"]:
            question_id, criterion_id = section["question"].pk, row["criterion"].pk
            raw = data.get(f"rating-{question_id}-{criterion_id}", "")
            if raw == "":
                continue
            if raw not in {str(level.score) for level in row["levels"]}:
                raise ApplicationError(f"A rating of {row['criterion'].name} must be one of its levels.")
            if int(raw) != row["score"]:
                changed.append({"question_id": question_id, "criterion_id": criterion_id, "score": int(raw)})
    return changed


def _interview(membership: Membership, stage_id: int, candidate_id: int) -> tuple[Stage, Candidate, Scorecard | None]:
    """The stage (403 unless the member interviews on it), the candidate (404 unless in the stage's loop, or
    the member already started a scorecard for them there) and the member's scorecard."""
    try:  # another organisation's and a missing one look the same
        stage = interview_stage_get(organisation=membership.organisation, pk=stage_id)
    except NotFoundError as exc:
        raise Http404("No such interview.") from exc
    if not stage_has_interviewer(stage=stage, user_id=membership.user_id):
        raise PermissionDenied("You are not an interviewer on this stage.")
    try:
        candidate = candidate_get(organisation=membership.organisation, pk=candidate_id)
    except NotFoundError as exc:
        raise Http404("No such interview.") from exc
    scorecard = scorecard_own_get(stage=stage, candidate=candidate, interviewer_id=membership.user_id)
    if scorecard is None and not candidate_in_loop(candidate=candidate, loop_id=stage.loop_id):
        raise Http404("No such interview.")  # not a candidate of this loop: the same answer as a missing one
    return stage, candidate, scorecard


@organisation_page()
def scorecard_page(request: HttpRequest, membership: Membership, stage_id: int, candidate_id: int) -> HttpResponse:
    stage, candidate, scorecard = _interview(membership, stage_id, candidate_id)
    submitted = scorecard is not None and scorecard.status == ScorecardStatus.SUBMITTED
    sections = scorecard_sections(stage=stage, interviewer_id=membership.user_id, scorecard=scorecard)
    amend_form = None
    if submitted and scorecard is not None:
        initial = {
            "recommendation": scorecard.recommendation,
            "key_takeaways": scorecard.key_takeaways,
            "notes": scorecard.notes,
        }
        amend_form = AmendForm(request.POST or None, initial=initial)
        if request.method == "POST" and amend_form.is_valid():
            try:
                ratings = _amended_ratings(request.POST, sections)
                scorecard_amend(scorecard=scorecard, actor=request.user, ratings=ratings, **amend_form.cleaned_data)  # type: ignore[arg-type]
            except ApplicationError as exc:
                amend_form.add_error(None, exc.message)
            else:
                messages.success(request, "Scorecard amended; the previous version is kept in the history.")
                return redirect(request.get_full_path())
    elif request.method == "POST":
        return HttpResponse("Only a submitted scorecard is amended here.", status=405)
    others = (
        scorecard_list_others_submitted(membership=membership, candidate=candidate, loop=stage.loop)
        if submitted
        else []
    )
    context = {
        "organisation": membership.organisation,
        "stage": stage,
        "candidate": candidate,
        "scorecard": scorecard,
        "submitted": submitted,
        "sections": sections,
        "recommendations": Recommendation.choices,
        "amend_form": amend_form,
        "amendments": scorecard_amendment_list(scorecard=scorecard) if scorecard else [],
        "others": others,
        "page_data": {
            "scorecard_id": scorecard.pk if scorecard else None,
            "version": scorecard.version if scorecard else 0,
            "candidate_id": candidate.pk,
            "stage_id": stage.pk,
            "organisation": membership.organisation.slug,
            "list_url": reverse("scorecard-list"),
        },
        "queue_url": reverse("interviews-queue"),
    }
    status = 400 if amend_form is not None and amend_form.errors else 200
    return render(request, "interviews/scorecard.html", context, status=status)

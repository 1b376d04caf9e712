"""Interviewers' web pages: "My interviews" and the scorecard page (autosave and submit go through the JSON API)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from assessments.models import (
    Candidate,
    Invitation,
    Membership,
    Question,
    QuestionRevision,
    Stage,
    StageInterviewer,
    StageKind,
)
from assessments.selectors.memberships import membership_get
from common.exceptions import ApplicationError
from common.markdown import render_markdown
from rubrics.models import Criterion, Recommendation, Scorecard, ScorecardStatus
from rubrics.selectors.scorecards import scorecard_list_visible
from rubrics.services.scorecards import RatingInput, scorecard_amend, scorecard_criteria

STATUS_LABELS = {"": "Not started", ScorecardStatus.DRAFT.value: "Draft", ScorecardStatus.SUBMITTED.value: "Submitted"}


def _membership(request: HttpRequest) -> Membership:
    try:
        return membership_get(user=request.user, organisation_slug=request.GET.get("org"))
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc


def _loop_candidates(membership: Membership, loop_ids: set[int]) -> dict[int, list[Candidate]]:
    """Candidates invited to each loop (a withdrawn invitation nobody started does not count)."""
    set_loops: dict[int, set[int]] = {}
    for set_id, loop_id in Stage.objects.filter(loop_id__in=loop_ids, question_set__isnull=False).values_list(
        "question_set_id", "loop_id"
    ):
        set_loops.setdefault(set_id, set()).add(loop_id)
    invitations = (
        Invitation.objects.filter(organisation_id=membership.organisation_id)
        .filter(Q(stage__loop_id__in=loop_ids) | Q(stage__isnull=True, question_set_id__in=list(set_loops)))
        .filter(Q(revoked_at__isnull=True) | Q(attempt__isnull=False))
        .select_related("candidate", "stage")
    )
    found: dict[int, dict[int, Candidate]] = {loop_id: {} for loop_id in loop_ids}
    for invitation in invitations:
        loops = {invitation.stage.loop_id} if invitation.stage else set_loops.get(invitation.question_set_id, set())
        for loop_id in loops:
            found[loop_id][invitation.candidate_id] = invitation.candidate
    return {loop_id: list(candidates.values()) for loop_id, candidates in found.items()}


@dataclass(frozen=True)
class QueueRow:
    stage: Stage
    candidate: Candidate
    status: str
    url: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@login_required
def my_interviews(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    assignments = list(
        StageInterviewer.objects.filter(
            user_id=membership.user_id,
            stage__kind=StageKind.INTERVIEW,
            stage__loop__organisation_id=membership.organisation_id,
            stage__loop__is_archived=False,
        ).select_related("stage__loop")
    )
    stages = [assignment.stage for assignment in assignments]
    own = Scorecard.objects.filter(interviewer_id=membership.user_id, stage__in=stages).select_related("candidate")
    status_of = {(card.stage_id, card.candidate_id): card.status for card in own}
    per_loop = _loop_candidates(membership, {stage.loop_id for stage in stages})
    for card in own:  # a scorecard already started keeps its row even if the invitation went away
        if all(c.pk != card.candidate_id for c in per_loop[card.stage.loop_id]):
            per_loop[card.stage.loop_id].append(card.candidate)
    org = request.GET.get("org")
    rows = [
        QueueRow(
            stage=stage,
            candidate=candidate,
            status=status_of.get((stage.pk, candidate.pk), ""),
            url=reverse("interviews-scorecard", args=[stage.pk, candidate.pk]) + (f"?org={org}" if org else ""),
        )
        for stage in stages
        for candidate in per_loop.get(stage.loop_id, [])
    ]
    rows.sort(key=lambda row: (row.status == ScorecardStatus.SUBMITTED, row.candidate.name, row.stage.position))
    return render(request, "interviews/queue.html", {"organisation": membership.organisation, "rows": rows})


class AmendForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, label="Why are you amending?")
    recommendation = forms.ChoiceField(choices=Recommendation.choices, label="Overall recommendation")
    key_takeaways = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000, required=False, label="Key take-aways"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000, required=False, label="Notes")


def _sections(stage: Stage, interviewer_id: int, scorecard: Scorecard | None) -> list[dict[str, Any]]:
    """Each focus question of this interviewer with its rubric's criteria, anchors and the current ratings."""
    required = scorecard_criteria(stage=stage, interviewer_id=interviewer_id)
    questions = Question.objects.in_bulk(list(required))
    revisions: dict[int, QuestionRevision] = {}
    for current in QuestionRevision.objects.filter(question_id__in=list(required)).order_by("number"):
        revisions[current.question_id] = current  # the highest number wins
    criterion_ids = [pk for ids in required.values() for pk in ids]
    criteria = Criterion.objects.prefetch_related("levels").in_bulk(criterion_ids)
    ratings = {(r.question_id, r.criterion_id): r for r in (scorecard.ratings.all() if scorecard else [])}
    sections = []
    for question_id, ids in required.items():
        revision = revisions.get(question_id)
        rows = []
        for criterion_id in ids:
            rating = ratings.get((question_id, criterion_id))
            rows.append(
                {
                    "criterion": criteria[criterion_id],
                    "levels": list(criteria[criterion_id].levels.all()),
                    "score": rating.score if rating else None,
                    "notes": rating.notes if rating else "",
                }
            )
        sections.append(
            {
                "question": questions[question_id],
                "prompt": render_markdown(revision.prompt) if revision else "",
                "interviewer_notes": revision.interviewer_notes if revision else "",
                "criteria": rows,
            }
        )
    return sections


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


@login_required
def scorecard_page(request: HttpRequest, stage_id: int, candidate_id: int) -> HttpResponse:
    membership = _membership(request)
    stage = (
        Stage.objects.filter(loop__organisation_id=membership.organisation_id, kind=StageKind.INTERVIEW, pk=stage_id)
        .select_related("loop")
        .first()
    )
    candidate = Candidate.objects.filter(organisation_id=membership.organisation_id, pk=candidate_id).first()
    if stage is None or candidate is None:  # another organisation's and a missing one look the same
        raise Http404("No such interview.")
    if not StageInterviewer.objects.filter(stage=stage, user_id=membership.user_id).exists():
        raise PermissionDenied("You are not an interviewer on this stage.")
    scorecard = Scorecard.objects.filter(stage=stage, candidate=candidate, interviewer_id=membership.user_id).first()
    submitted = scorecard is not None and scorecard.status == ScorecardStatus.SUBMITTED
    sections = _sections(stage, membership.user_id, scorecard)
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
    others = []
    if submitted:
        others = [
            card
            for card in scorecard_list_visible(membership=membership, candidate=candidate).select_related("stage")
            if card.interviewer_id != membership.user_id and card.status == ScorecardStatus.SUBMITTED
        ]
    context = {
        "organisation": membership.organisation,
        "stage": stage,
        "candidate": candidate,
        "scorecard": scorecard,
        "submitted": submitted,
        "sections": sections,
        "recommendations": Recommendation.choices,
        "amend_form": amend_form,
        "amendments": list(scorecard.amendments.select_related("author")) if scorecard else [],
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

"""Hiring managers' loop builder pages: create, edit stages/interviewers/focus questions, clone, preview."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from assessments.models import (
    Loop,
    Membership,
    Organisation,
    Question,
    QuestionKind,
    QuestionSet,
    SectionItem,
    Stage,
    StageKind,
)
from assessments.services import loops as loop_builder
from common.exceptions import ApplicationError
from common.markdown import render_markdown
from manage.selectors import pipeline
from manage.views.candidates import _manager_membership


class LoopForm(forms.Form):
    title = forms.CharField(max_length=200, label="Loop title")
    role = forms.CharField(max_length=200, label="Role")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Description")


class StageForm(forms.Form):
    kind = forms.ChoiceField(choices=StageKind.choices, label="Kind")
    title = forms.CharField(max_length=200, label="Stage title")
    question_set = forms.ModelChoiceField(
        queryset=QuestionSet.objects.none(), required=False, label="Question set (timed assessment)"
    )
    duration_minutes = forms.IntegerField(
        min_value=1, max_value=24 * 60, required=False, label="Duration in minutes (timed assessment)"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["question_set"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = QuestionSet.objects.filter(organisation=organisation).order_by("title")


class CloneForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title of the copy")


def _suffix(request: HttpRequest) -> str:
    org = request.GET.get("org")
    return f"?{urlencode({'org': org})}" if org else ""


def _loop_or_404(membership: Membership, pk: int) -> Loop:
    loop = pipeline.loop_get(organisation=membership.organisation, pk=pk)
    if loop is None:
        raise Http404("No such loop.")
    return loop


def _stage_or_404(loop: Loop, pk: int) -> Stage:
    stage = Stage.objects.filter(loop=loop, pk=pk).first()
    if stage is None:
        raise Http404("No such stage.")
    return stage


def _edit_redirect(request: HttpRequest, loop: Loop) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("manage-loop-edit", args=[loop.pk]) + _suffix(request))


def _focus_candidates(organisation: Organisation) -> list[Question]:
    return list(
        Question.objects.filter(organisation=organisation, is_archived=False)
        .exclude(kind=QuestionKind.CODING)
        .order_by("title", "pk")
    )


def _members(organisation: Organisation) -> list[Membership]:
    return list(Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__username"))


@login_required
def loop_new_view(request: HttpRequest) -> HttpResponse:
    membership = _manager_membership(request)
    form = LoopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            loop = loop_builder.loop_create(organisation=membership.organisation, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Loop created. Add its stages.")
            return _edit_redirect(request, loop)
    context = {"organisation": membership.organisation, "form": form, "suffix": _suffix(request)}
    return render(request, "manage/loop_new.html", context)


@login_required
def loop_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    organisation = membership.organisation
    loop = _loop_or_404(membership, pk)
    form = StageForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            loop_builder.loop_stage_add(organisation=organisation, loop=loop, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Stage added.")
            return _edit_redirect(request, loop)
    stages = list(
        Stage.objects.filter(loop=loop)
        .select_related("question_set")
        .prefetch_related("interviewer_assignments__user", "focus_questions__question")
        .order_by("position")
    )
    rows = []
    for stage in stages:
        assigned = [a.user for a in stage.interviewer_assignments.all()]
        focus = list(stage.focus_questions.all())
        rows.append(
            {
                "stage": stage,
                "interviewers": [
                    {"user": user, "focus": [f.question for f in focus if f.interviewer_id == user.pk]}
                    for user in assigned
                ],
                "unassigned_focus": [f.question for f in focus if f.interviewer_id is None],
            }
        )
    context = {
        "organisation": organisation,
        "loop": loop,
        "form": form,
        "rows": rows,
        "members": _members(organisation),
        "focus_questions": _focus_candidates(organisation),
        "suffix": _suffix(request),
    }
    return render(request, "manage/loop_edit.html", context)


@login_required
@require_POST
def stage_remove_view(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    loop = _loop_or_404(membership, pk)
    stage = _stage_or_404(loop, stage_pk)
    try:
        loop_builder.loop_stage_remove(organisation=membership.organisation, stage=stage)
        messages.success(request, "Stage removed.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _edit_redirect(request, loop)


def _member_user(organisation: Organisation, raw: str | None) -> Any:
    if not raw or not raw.isdigit():
        return None
    return get_user_model().objects.filter(pk=int(raw), memberships__organisation=organisation).first()


@login_required
@require_POST
def stage_interviewer_view(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    loop = _loop_or_404(membership, pk)
    stage = _stage_or_404(loop, stage_pk)
    user = _member_user(membership.organisation, request.POST.get("user"))
    if user is None:
        messages.error(request, "Choose a member of the organisation.")
        return _edit_redirect(request, loop)
    try:
        loop_builder.stage_interviewer_assign(organisation=membership.organisation, stage=stage, user=user)
        messages.success(request, f"{user.get_username()} assigned to {stage.title}.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _edit_redirect(request, loop)


@login_required
@require_POST
def stage_focus_view(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    organisation = membership.organisation
    loop = _loop_or_404(membership, pk)
    stage = _stage_or_404(loop, stage_pk)
    user = _member_user(organisation, request.POST.get("interviewer"))
    ids = [int(raw) for raw in request.POST.getlist("questions") if raw.isdigit()]
    by_id = {q.pk: q for q in Question.objects.filter(organisation=organisation, pk__in=ids)}
    if user is None or len(by_id) != len(set(ids)):
        messages.error(request, "Choose an interviewer and questions of this organisation.")
        return _edit_redirect(request, loop)
    try:
        loop_builder.stage_focus_questions_set(
            organisation=organisation, stage=stage, interviewer=user, questions=[by_id[i] for i in dict.fromkeys(ids)]
        )
        messages.success(request, "Focus questions saved.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _edit_redirect(request, loop)


@login_required
def loop_clone_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    loop = _loop_or_404(membership, pk)
    form = CloneForm(request.POST or None, initial={"title": f"{loop.title} (copy)"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = loop_builder.loop_clone(
                organisation=membership.organisation, loop=loop, title=form.cleaned_data["title"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Cloned {loop.title}.")
            return _edit_redirect(request, copy)
    context = {"organisation": membership.organisation, "loop": loop, "form": form, "suffix": _suffix(request)}
    return render(request, "manage/loop_clone.html", context)


def _stage_preview(stage: Stage) -> dict[str, Any]:
    """What the candidate is shown: titles and prompts (and starter code), never answers or tests."""
    items = (
        SectionItem.objects.filter(section__question_set_id=stage.question_set_id)
        .select_related("section", "question")
        .order_by("section__position", "position")
    )
    questions = []
    for number, item in enumerate(items, start=1):
        revision = item.question.current_revision
        spec = getattr(revision, "coding_spec", None) if revision else None
        questions.append(
            {
                "number": number,
                "section": item.section.title,
                "title": item.question.title,
                "kind": item.question.get_kind_display(),
                "points": item.points,
                "prompt_html": mark_safe(render_markdown(revision.prompt)) if revision else "",  # noqa: S308
                "starter_code": spec.starter_code if spec else "",
                "signature": spec.signature if spec else "",
            }
        )
    return {"stage": stage, "questions": questions}


@login_required
def loop_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _manager_membership(request)
    loop = _loop_or_404(membership, pk)
    stages = Stage.objects.filter(loop=loop, kind=StageKind.ASSESSMENT).select_related("question_set")
    context = {
        "organisation": membership.organisation,
        "loop": loop,
        "previews": [_stage_preview(stage) for stage in stages.order_by("position")],
        "suffix": _suffix(request),
    }
    return render(request, "manage/loop_preview.html", context)

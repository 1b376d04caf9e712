"""The loop builder's loop pages: create a loop, edit it (its stages, interviewers and focus questions), clone
it, archive it, and preview what its candidates are shown. Changes to one stage are in ``stages``."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.models import Loop, QuestionSet, StageKind
from assessments.selectors.loops import loop_get, loop_preview, loop_stage_list
from assessments.selectors.question_sets import question_set_choices
from assessments.selectors.questions import question_focus_choices
from assessments.services.loops import loop_archive, loop_clone, loop_create, loop_stage_add
from common.exceptions import ApplicationError
from manage.views.base import found_or_404
from organisations.models import Membership, Organisation
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import MANAGER_ROLES, membership_list


class LoopForm(forms.Form):
    title = forms.CharField(max_length=200, label="Loop title")
    role = forms.CharField(max_length=200, label="Role")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Description")


class StageForm(forms.Form):
    kind = forms.ChoiceField(choices=StageKind.choices, label="Kind")
    title = forms.CharField(max_length=200, label="Stage title")
    question_set = forms.ModelChoiceField(
        queryset=QuestionSet.objects.none(),
        required=False,
        label="Question set (timed assessment)",
        help_text="Made from the question bank under Question sets, or imported from Markdown.",
    )
    duration_minutes = forms.IntegerField(
        min_value=1, max_value=24 * 60, required=False, label="Duration in minutes (timed assessment)"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["question_set"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = question_set_choices(organisation=organisation)


class CloneForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title of the copy")


def edit_redirect(request: HttpRequest, loop: Loop) -> HttpResponseRedirect:
    """Back to the loop's edit page, where every loop builder change lands."""
    return HttpResponseRedirect(reverse("manage-loop-edit", args=[loop.pk]) + organisation_query(request))


@organisation_page(roles=MANAGER_ROLES)
def loop_new_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = LoopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            loop = loop_create(organisation=membership.organisation, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Loop created. Add its stages.")
            return edit_redirect(request, loop)
    context = {"organisation": membership.organisation, "form": form, "suffix": organisation_query(request)}
    return render(request, "manage/loop_new.html", context)


@organisation_page(roles=MANAGER_ROLES)
def loop_edit_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    organisation = membership.organisation
    loop = found_or_404(loop_get, organisation=organisation, pk=pk)
    form = StageForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            loop_stage_add(organisation=organisation, loop=loop, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Stage added.")
            return edit_redirect(request, loop)
    rows = []
    for stage in loop_stage_list(loop=loop):
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
        "members": membership_list(organisation=organisation),
        "focus_questions": question_focus_choices(organisation=organisation),
        "suffix": organisation_query(request),
    }
    return render(request, "manage/loop_edit.html", context)


@organisation_page(roles=MANAGER_ROLES)
def loop_clone_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    loop = found_or_404(loop_get, organisation=membership.organisation, pk=pk)
    form = CloneForm(request.POST or None, initial={"title": f"{loop.title} (copy)"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = loop_clone(organisation=membership.organisation, loop=loop, title=form.cleaned_data["title"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Cloned {loop.title}.")
            return edit_redirect(request, copy)
    context = {
        "organisation": membership.organisation,
        "loop": loop,
        "form": form,
        "suffix": organisation_query(request),
    }
    return render(request, "manage/loop_clone.html", context)


@organisation_page(roles=MANAGER_ROLES)
def loop_preview_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    loop = found_or_404(loop_get, organisation=membership.organisation, pk=pk)
    context = {
        "organisation": membership.organisation,
        "loop": loop,
        "previews": loop_preview(loop=loop),
        "suffix": organisation_query(request),
    }
    return render(request, "manage/loop_preview.html", context)


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def loop_archive_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Archive the loop (``archived=0`` restores it): what to do instead of deleting a loop or a used stage."""
    loop = found_or_404(loop_get, organisation=membership.organisation, pk=pk)
    archived = request.POST.get("archived", "1") != "0"
    loop_archive(organisation=membership.organisation, loop=loop, archived=archived)
    messages.success(request, "Loop archived; its feedback is kept." if archived else "Loop restored.")
    return edit_redirect(request, loop)

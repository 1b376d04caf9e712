"""The question bank's pages: the list (search, kind, tag, archived), a question's page to create or edit each
kind, archiving, and a question as the candidate sees it. Validating and publishing coding questions are in
``question_validations``."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.models import Question, QuestionKind
from assessments.selectors.questions import (
    coding_spec_current,
    question_get,
    question_preview,
    question_search,
    question_tags,
)
from assessments.services.coding import coding_question_create, coding_question_edit
from assessments.services.questions import question_archive, question_create, question_edit
from common.exceptions import ApplicationError
from common.markdown import render_markdown
from manage.forms.editor import QuestionEditor, question_editor
from manage.forms.questions import QuestionFilterForm
from manage.views.base import found_or_404
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import MANAGER_ROLES
from rubrics.models import RubricKind
from rubrics.selectors.rubrics import rubric_list
from rubrics.services.rubrics import rubric_create

PAGE_SIZE = 50
Saved = tuple[Question, int, str]  # the question, and the message level and text for the next page
ACTIONS = {"save", "preview", "more_tests", "more_criteria"}
SAVED = "Question saved."
UNPUBLISHED = "Saved. Its code, tests or checker changed, so it is unpublished until validated again."


def question_redirect(request: HttpRequest, question: Question, view: str = "manage-question-edit") -> HttpResponse:
    return HttpResponseRedirect(reverse(view, args=[question.pk]) + organisation_query(request))


@organisation_page(roles=MANAGER_ROLES)
def question_list_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    form = QuestionFilterForm(request.GET, tags=question_tags(organisation=organisation))
    questions = question_search(organisation=organisation, **form.filters())
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "organisation": organisation,
        "form": form,
        "page": page,
        "filter_query": kept.urlencode() + "&" if kept else "",
        "kinds": QuestionKind.choices,
        "suffix": organisation_query(request),
    }
    return render(request, "manage/questions/list.html", context)


@organisation_page(roles=MANAGER_ROLES)
def question_new_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in QuestionKind.values:
        context = {"organisation": membership.organisation, "kinds": QuestionKind.choices}
        return render(request, "manage/questions/new.html", context | {"suffix": organisation_query(request)})
    return _editor_page(request, membership, kind, question=None)


@organisation_page(roles=MANAGER_ROLES)
def question_edit_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    question = found_or_404(question_get, organisation=membership.organisation, pk=pk)
    return _editor_page(request, membership, question.kind, question=question)


def _editor_page(request: HttpRequest, membership: Membership, kind: str, question: Question | None) -> HttpResponse:
    """GET: the forms, filled from the question. POST: save, or (nothing saved) preview the prompt or add rows."""
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    action = action if action in ACTIONS or not action else "save"
    spec = coding_spec_current(question=question) if question and kind == QuestionKind.CODING else None
    editor = question_editor(
        kind=kind,
        rubrics=rubric_list(organisation=membership.organisation),
        data=request.POST if request.method == "POST" else None,
        question=question,
        spec=spec,
        more=action.removeprefix("more_") if action.startswith("more_") else "",
    )
    status, preview = 200, ""
    if action == "preview":
        preview = render_markdown(editor.question["prompt"].value() or "")
    elif action == "save":
        if editor.is_valid() and (saved := _save(request, membership, editor, question)) is not None:
            return question_redirect(request, saved)
        status = 400
    context = {
        "organisation": membership.organisation,
        "question": question,
        "spec": spec,
        "kind": kind,
        "kind_label": QuestionKind(kind).label,
        "editor": editor,
        "preview_html": preview,
        "suffix": organisation_query(request),
    }
    return render(request, "manage/questions/edit.html", context, status=status)


def _save(
    request: HttpRequest, membership: Membership, editor: QuestionEditor, question: Question | None
) -> Question | None:
    """Save through the services; a refusal lands on the page and nothing is saved."""
    user = request.user if request.user.is_authenticated else None
    try:
        with transaction.atomic():
            saved, level, text = _write(membership, editor, question, user)
    except (ApplicationError, ValidationError) as exc:
        editor.refuse(exc if isinstance(exc, ApplicationError) else ApplicationError("; ".join(exc.messages)))
        return None
    messages.add_message(request, level, text)
    return saved


def _write(membership: Membership, editor: QuestionEditor, question: Question | None, user: User | None) -> Saved:
    organisation, data = membership.organisation, editor.question_data()
    if editor.is_coding and question is None:
        code = editor.code_data()
        created = coding_question_create(organisation=organisation, question=data, code=code, created_by=user)
        return created, messages.SUCCESS, "Question created. Validate it to publish it."
    if editor.is_coding:
        assert question is not None
        edit = coding_question_edit(question=question, question_data=data, code=editor.code_data(), edited_by=user)
        if edit.unpublished:
            return question, messages.WARNING, UNPUBLISHED
        return question, messages.SUCCESS, "Saved. Validate it to publish it." if edit.spec_changed else SAVED
    rubric_id = _rubric_id(membership, editor)
    if question is None:
        kind = editor.kind
        created = question_create(organisation=organisation, kind=kind, rubric_id=rubric_id, created_by=user, **data)
        return created, messages.SUCCESS, "Question created."
    question_edit(question=question, edited_by=user, rubric_id=rubric_id, **data)
    return question, messages.SUCCESS, SAVED


def _rubric_id(membership: Membership, editor: QuestionEditor) -> int | None:
    assert editor.rubric is not None and editor.criteria is not None
    if not editor.rubric.writes_new:
        return editor.rubric.rubric_id()
    rubric = rubric_create(
        organisation=membership.organisation,
        title=editor.rubric.cleaned_data["rubric_title"],
        kind=RubricKind.STAR if editor.kind == QuestionKind.BEHAVIOURAL else RubricKind.QUESTION,
        description=editor.rubric.cleaned_data["rubric_description"],
        criteria=editor.criteria.criteria(),  # type: ignore[attr-defined]
    )
    return rubric.pk


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def question_archive_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    question = found_or_404(question_get, organisation=membership.organisation, pk=pk)
    archived = not question.is_archived
    question_archive(question=question, archived=archived)
    messages.success(request, "Question archived." if archived else "Question restored.")
    return question_redirect(request, question)


@organisation_page(roles=MANAGER_ROLES)
def question_preview_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    question = found_or_404(question_get, organisation=membership.organisation, pk=pk)
    context = {
        "organisation": membership.organisation,
        "question": question,
        "q": question_preview(question=question),
        "suffix": organisation_query(request),
    }
    return render(request, "manage/questions/preview.html", context)

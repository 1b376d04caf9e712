"""Question sets made from the bank: the list, and a page to create or edit one (which questions, in which
section and order, with what weight, and what candidates see of their hidden tests). A loop's timed
assessment stage then uses the set (the loop builder)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from assessments.models import HiddenFeedback, Question, QuestionSet
from assessments.selectors.question_sets import question_set_get, question_set_list
from assessments.selectors.questions import question_search
from assessments.services.question_sets import SetItem, question_set_save
from common.exceptions import ApplicationError
from manage.views.base import found_or_404
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import MANAGER_ROLES

BANK_LIMIT = 500  # questions offered on the page


@organisation_page(roles=MANAGER_ROLES)
def question_set_list_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows = [
        {"set": question_set, "count": sum(len(section.items.all()) for section in question_set.sections.all())}
        for question_set in question_set_list(organisation=membership.organisation)
    ]
    context = {"organisation": membership.organisation, "rows": rows, "suffix": organisation_query(request)}
    return render(request, "manage/question_sets.html", context)


@organisation_page(roles=MANAGER_ROLES)
def question_set_new_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _edit(request, membership, None)


@organisation_page(roles=MANAGER_ROLES)
def question_set_edit_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    question_set = found_or_404(question_set_get, organisation=membership.organisation, pk=pk)
    return _edit(request, membership, question_set)


def _edit(request: HttpRequest, membership: Membership, question_set: QuestionSet | None) -> HttpResponse:
    organisation = membership.organisation
    bank = list(question_search(organisation=organisation)[:BANK_LIMIT])
    chosen = _current(question_set)
    title = question_set.title if question_set else ""
    feedback = question_set.hidden_feedback if question_set else HiddenFeedback.COUNT
    error, status = "", 200
    if request.method == "POST":
        title, feedback = request.POST.get("title", ""), request.POST.get("hidden_feedback", "")
        try:
            chosen = _submitted(request, bank)
            if feedback not in HiddenFeedback.values:
                raise ApplicationError("Choose what candidates see of their hidden tests.")
            saved = question_set_save(
                organisation=organisation,
                title=title,
                items=list(chosen.values()),
                hidden_feedback=feedback,
                question_set=question_set,
            )
        except ApplicationError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, "Question set saved. Use it in a loop's timed assessment stage.")
            url = reverse("manage-question-set-edit", args=[saved.pk]) + organisation_query(request)
            return HttpResponseRedirect(url)
    context = {
        "organisation": organisation,
        "question_set": question_set,
        "title": title,
        "feedback": feedback,
        "feedback_choices": HiddenFeedback.choices,
        "rows": [{"question": question, "item": chosen.get(question.pk)} for question in bank],
        "error": error,
        "suffix": organisation_query(request),
    }
    return render(request, "manage/question_set_edit.html", context, status=status)


def _current(question_set: QuestionSet | None) -> dict[int, SetItem]:
    if question_set is None:
        return {}
    found: dict[int, SetItem] = {}
    for section in question_set.sections.all():
        for item in section.items.all():
            position = section.position * 1000 + item.position
            found[item.question_id] = SetItem(item.question_id, section.title, position, item.points)
    ordered = sorted(found.values(), key=lambda row: row.position)
    return {row.question_id: SetItem(row.question_id, row.section, n, row.points) for n, row in enumerate(ordered, 1)}


def _submitted(request: HttpRequest, bank: list[Question]) -> dict[int, SetItem]:
    """The questions ticked on the page (``include``), each with its section, position and points."""
    offered = {question.pk for question in bank}
    chosen: dict[int, SetItem] = {}
    for raw in request.POST.getlist("include"):
        if not raw.isdigit() or int(raw) not in offered:
            raise ApplicationError("One of the questions is not in your question bank.")
        pk = int(raw)
        chosen[pk] = SetItem(
            pk,
            request.POST.get(f"section-{pk}", ""),
            _number(request.POST.get(f"position-{pk}", ""), int, "position"),
            _number(request.POST.get(f"points-{pk}", "") or "1", float, "points"),
        )
    return chosen


def _number(raw: str, kind: Any, what: str) -> Any:
    try:
        value = kind(raw)
    except ValueError as exc:
        raise ApplicationError(f"A question's {what} must be a number, not {raw[:20]!r}.") from exc
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        raise ApplicationError(f"A question's {what} must be a finite number.")
    return value

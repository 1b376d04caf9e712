"""Question sets: made from the bank's questions on a page, and their settings (what candidates see of their
final grading on the hidden tests)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from assessments.models import HiddenFeedback, Question, QuestionSet, Section, SectionItem
from common.exceptions import ApplicationError, NotFoundError
from organisations.models import Organisation


@transaction.atomic
def question_set_update(*, question_set: QuestionSet, hidden_feedback: str) -> QuestionSet:
    """Change the hidden-test feedback policy; it applies to what candidates read from now on."""
    question_set.hidden_feedback = hidden_feedback
    question_set.full_clean(validate_constraints=False)
    question_set.save(update_fields=["hidden_feedback", "updated_at"])
    return question_set


@dataclass(frozen=True)
class SetItem:
    """One question of a set as a page sends it: which section (by title), where, and its weight."""

    question_id: int
    section: str
    position: int
    points: float


@transaction.atomic
def question_set_save(
    *,
    organisation: Organisation,
    title: str,
    items: list[SetItem],
    hidden_feedback: str = HiddenFeedback.COUNT,
    question_set: QuestionSet | None = None,
) -> QuestionSet:
    """Create a question set from the bank's questions, or replace an existing one's title and contents.

    Sections come from the items' section titles, ordered by their first item's position; items by position.
    Attempts already started keep the revisions they were given; unstarted invitations get the new contents.
    """
    title = title.strip()
    if not title:
        raise ApplicationError("A question set needs a title.", details={"title": ["Required."]})
    questions = _questions(organisation, items)
    if question_set is None:
        question_set = QuestionSet(organisation=organisation, slug=_free_slug(organisation, title))
    question_set.title, question_set.hidden_feedback = title[:200], hidden_feedback
    question_set.full_clean(validate_constraints=False)
    question_set.save()
    question_set.sections.all().delete()  # items first (cascade): questions themselves are never deleted
    sections: dict[str, Section] = {}
    for item in sorted(items, key=lambda row: (row.position, row.question_id)):
        name = item.section.strip()[:200] or "Questions"
        if name not in sections:
            sections[name] = Section.objects.create(question_set=question_set, title=name, position=len(sections) + 1)
        section = sections[name]
        SectionItem.objects.create(
            section=section,
            question=questions[item.question_id],
            position=section.items.count() + 1,
            points=item.points,
        )
    return question_set


def _questions(organisation: Organisation, items: list[SetItem]) -> dict[int, Question]:
    if not items:
        raise ApplicationError("Choose at least one question.", details={"questions": ["Choose at least one."]})
    ids = [item.question_id for item in items]
    if len(set(ids)) != len(ids):
        raise ApplicationError("A question can be in a set only once.", details={"questions": ["Duplicate."]})
    if any(not (0 < item.points <= 1000) for item in items):
        raise ApplicationError("Points must be above 0 and at most 1000.", details={"points": ["Out of range."]})
    found = Question.objects.filter(organisation=organisation, is_archived=False).in_bulk(ids)
    if len(found) != len(ids):
        raise NotFoundError("One of the questions is not in your question bank (or is archived).")
    return found


def _free_slug(organisation: Organisation, title: str) -> str:
    base = slugify(title)[:100] or "question-set"
    taken = set(
        QuestionSet.objects.filter(organisation=organisation, slug__startswith=base).values_list("slug", flat=True)
    )
    return next(slug for n in range(1, len(taken) + 2) if (slug := base if n == 1 else f"{base}-{n}") not in taken)

"""Writes to the question bank. A revision an attempt has used is never changed: an edit makes a new one."""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import CodingSpec, Question, QuestionRevision, TestCase
from organisations.models import Organisation

TITLE_MAX = 120


def question_key_for(prompt: str) -> str:
    """A stable key for a prompt: readable prefix plus a content hash (imports find their questions again)."""
    digest = hashlib.sha256(prompt.strip().encode()).hexdigest()[:12]
    return f"{slugify(prompt)[:80].strip('-')}-{digest}"


def _free_key(organisation: Organisation, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``…: two questions with one prompt are two questions (imports pass keys)."""
    taken = set(Question.objects.filter(organisation=organisation, key__startswith=base).values_list("key", flat=True))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def title_for(prompt: str) -> str:
    first_line = prompt.strip().splitlines()[0] if prompt.strip() else ""
    return first_line if len(first_line) <= TITLE_MAX else first_line[: TITLE_MAX - 1].rstrip() + "…"


@transaction.atomic
def question_create(
    *,
    organisation: Organisation,
    kind: str,
    prompt: str,
    title: str = "",
    key: str = "",
    difficulty: str = "medium",
    tags: list[str] | None = None,
    rubric_id: int | None = None,
    interviewer_notes: str = "",
    created_by: User | None = None,
) -> Question:
    """A new question with its first revision; ``rubric_id`` is a rubric already read as the organisation's."""
    question = Question(
        organisation=organisation,
        kind=kind,
        key=key or _free_key(organisation, question_key_for(prompt)),
        title=title or title_for(prompt),
        difficulty=difficulty,
        tags=tags or [],
    )
    question.full_clean()
    question.save()
    revision = QuestionRevision(
        question=question,
        number=1,
        prompt=prompt,
        rubric_id=rubric_id,
        interviewer_notes=interviewer_notes,
        created_by=created_by,
    )
    revision.full_clean()
    revision.save()
    return question


@dataclass(frozen=True)
class RevisionChange:
    revision: QuestionRevision
    created: bool


@transaction.atomic
def question_update(*, question: Question, title: str, difficulty: str, tags: list[str]) -> Question:
    """Change what describes a question in the bank (not its content: that is ``question_revise``)."""
    question.title, question.difficulty, question.tags = title, difficulty, tags
    question.full_clean()
    question.save(update_fields=["title", "difficulty", "tags", "updated_at"])
    return question


@transaction.atomic
def question_edit(
    *,
    question: Question,
    title: str,
    difficulty: str,
    tags: list[str],
    prompt: str,
    interviewer_notes: str,
    edited_by: User | None = None,
    **content: Any,
) -> RevisionChange:
    """Edit a question as the bank's page shows it: its description, and its content (prompt, notes and the
    optional ``rubric_id``) through ``question_revise`` when that changed. Returns the current revision."""
    question_update(question=question, title=title or question.title, difficulty=difficulty, tags=tags)
    current = question.current_revision
    assert current is not None
    changes = {"prompt": prompt, "interviewer_notes": interviewer_notes, **content}
    changed = {field: value for field, value in changes.items() if getattr(current, field) != value}
    if not changed:
        return RevisionChange(revision=current, created=False)
    return question_revise(question=question, created_by=edited_by, **changed)


@transaction.atomic
def question_revise(*, question: Question, created_by: User | None = None, **changes: Any) -> RevisionChange:
    """Change the content (prompt, rubric, interviewer_notes) of a question.

    The latest revision is edited in place while no attempt has used it; once locked, a new
    revision is created (by ``created_by``) and the old one stays exactly as candidates saw it.
    """
    allowed = {"prompt", "rubric", "rubric_id", "interviewer_notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Cannot revise {sorted(unknown)}; revisable fields: {sorted(allowed)}")
    current = QuestionRevision.objects.select_for_update().filter(question=question).order_by("-number").first()
    if current is None:
        raise ValueError("A question always has a revision.")
    # The question changed as the API shows it: lists ordered and filtered by updated_at must see it.
    Question.objects.filter(pk=question.pk).update(updated_at=timezone.now())
    if not current.is_locked:
        for field, value in changes.items():
            setattr(current, field, value)
        current.full_clean()
        current.save(update_fields=[*changes, "updated_at"])
        return RevisionChange(revision=current, created=False)
    fresh = QuestionRevision(
        question=question,
        number=current.number + 1,
        prompt=current.prompt,
        rubric=current.rubric,
        interviewer_notes=current.interviewer_notes,
        created_by=created_by,
    )
    for field, value in changes.items():
        setattr(fresh, field, value)
    fresh.full_clean()
    fresh.save()
    _coding_spec_copy(source=current, target=fresh)
    return RevisionChange(revision=fresh, created=True)


def _coding_spec_copy(*, source: QuestionRevision, target: QuestionRevision) -> None:
    """The same spec and tests on the new revision. A published spec stays published: its content, the
    reference and every test the sandbox passed, is unchanged; only ``coding_spec_set`` changes it."""
    spec = CodingSpec.objects.filter(revision=source).first()
    if spec is None:
        return
    tests = list(spec.test_cases.all())
    spec.pk = None
    spec.id = None
    spec.revision = target
    spec._state.adding = True
    spec.save()
    for test in tests:
        test.pk = None
        test.id = None
        test.spec = spec
        test._state.adding = True
    TestCase.objects.bulk_create(tests)


def revisions_lock(*, revision_ids: list[int]) -> int:
    """Mark revisions as used by an attempt; from now on they are immutable."""
    return QuestionRevision.objects.filter(pk__in=revision_ids, is_locked=False).update(is_locked=True)


def question_archive(*, question: Question, archived: bool = True) -> Question:
    """Hide a question from new sets (or, with ``archived=False``, bring it back); attempts that used it keep
    their pinned revision."""
    question.is_archived = archived
    question.save(update_fields=["is_archived", "updated_at"])
    return question

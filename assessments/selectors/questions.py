"""The organisation's question bank: lists, search, and a question as a candidate is shown it."""

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from assessments.models import CodingSpec, Question, QuestionKind, QuestionRevision, TestCase, Visibility
from common.lookups import one_or_not_found
from common.markdown import render_markdown
from organisations.models import Organisation


def question_list(*, organisation: Organisation) -> QuerySet[Question]:
    return Question.objects.filter(organisation=organisation).prefetch_related("revisions").order_by("title", "pk")


def question_get(*, organisation: Organisation, pk: int) -> Question:
    return one_or_not_found(question_list(organisation=organisation), pk, "question")


def question_search(
    *, organisation: Organisation, text: str = "", kind: str = "", tag: str = "", archived: bool | None = False
) -> QuerySet[Question]:
    """The bank's page list: ``text`` in the title, key or current prompt; one kind; one tag; archived or not
    (``None``: both). Each question carries ``published_at``, its current coding spec's (``None`` otherwise)."""
    current_prompt = QuestionRevision.objects.filter(question=OuterRef("pk")).order_by("-number").values("prompt")
    published_at = CodingSpec.objects.filter(revision__question=OuterRef("pk")).order_by("-revision__number")
    questions = question_list(organisation=organisation).annotate(
        current_prompt=Subquery(current_prompt[:1]), published_at=Subquery(published_at.values("published_at")[:1])
    )
    if text:
        questions = questions.filter(
            Q(title__icontains=text) | Q(key__icontains=text) | Q(current_prompt__icontains=text)
        )
    if kind:
        questions = questions.filter(kind=kind)
    if tag:
        # Tags are a JSON list of plain words (no quotes): one quoted element matches on every database.
        questions = questions.filter(tags__icontains=f'"{tag}"')
    if archived is not None:
        questions = questions.filter(is_archived=archived)
    return questions


def question_tags(*, organisation: Organisation) -> list[str]:
    """Every tag the organisation's questions use, sorted (the list page's filter)."""
    tags: set[str] = set()
    for question_tags in Question.objects.filter(organisation=organisation).values_list("tags", flat=True):
        tags.update(tag for tag in question_tags or [] if isinstance(tag, str))
    return sorted(tags)


def coding_spec_current(*, question: Question) -> CodingSpec | None:
    """The coding spec of the question's current revision (read as the caller's), if it has one."""
    revision = question.current_revision
    return CodingSpec.objects.filter(revision=revision).first() if revision else None


def question_focus_choices(*, organisation: Organisation) -> list[Question]:
    """The questions an interviewer can cover live: not archived, not coding; by title."""
    return list(
        Question.objects.filter(organisation=organisation, is_archived=False)
        .exclude(kind=QuestionKind.CODING)
        .order_by("title", "pk")
    )


def question_in_bulk(*, organisation: Organisation, pks: list[int]) -> dict[int, Question]:
    """The organisation's questions among ``pks``, by id (another organisation's are simply absent)."""
    return Question.objects.filter(organisation=organisation).in_bulk(pks)


def question_preview(*, question: Question, number: int = 1) -> dict[str, Any]:
    """The question's current revision as a candidate is shown it: title, prompt, and for coding the signature,
    starter code, limits per test and sample tests. Never hidden tests, the reference or the notes."""
    revision = question.current_revision
    spec = CodingSpec.objects.filter(revision=revision).first() if revision else None
    samples = list(spec.test_cases.filter(visibility=Visibility.SAMPLE).order_by("position")) if spec else []
    return {
        "number": number,
        "title": question.title,
        "kind": question.get_kind_display(),
        "prompt_html": render_markdown(revision.prompt) if revision else "",
        "spec": spec,
        "samples": [_sample(spec.function_name, test) for test in samples] if spec else [],
    }


def _sample(function_name: str, test: TestCase) -> dict[str, str]:
    """A sample test as the candidate's page shows it: a call and its expected answer, as Python literals."""
    call = f"{function_name}({', '.join(repr(arg) for arg in test.args)})"
    expected = f"raises {test.expected_exception}" if test.expected_exception else repr(test.expected)
    return {"name": test.name, "call": call, "expected": expected}

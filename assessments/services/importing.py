"""Store a Markdown question set (parsed by assessments.importing) in the bank, idempotently."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from assessments.importing import ParsedQuestion, ParsedQuestionSet, parse_question_set
from assessments.models import Question, QuestionSet, Section, SectionItem
from assessments.services.questions import question_create, question_key_for
from organisations.models import Organisation


@dataclass
class ImportReport:
    question_set: QuestionSet
    unchanged: bool
    sections: int
    questions: int
    created_questions: int
    skipped: list[str] = field(default_factory=list)


def question_set_import_file(
    *, organisation: Organisation, path: Path, slug: str = "", title: str = ""
) -> ImportReport:
    text = path.read_text(encoding="utf-8-sig")
    default_title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
    return question_set_import(
        organisation=organisation, text=text, slug=slug, title=title or "", fallback_title=default_title
    )


@transaction.atomic
def question_set_import(
    *,
    organisation: Organisation,
    text: str,
    slug: str = "",
    title: str = "",
    fallback_title: str = "Imported questions",
) -> ImportReport:
    """Create or refresh a question set from Markdown. Importing the same text twice changes nothing."""
    parsed = parse_question_set(text)  # raises MarkdownImportError on a file with no questions
    set_title = title or parsed.title or fallback_title
    set_slug = slug or slugify(set_title)[:120] or "imported"
    digest = hashlib.sha256(text.encode()).hexdigest()
    skipped = [f"line {block.line}: {block.reason} ({block.excerpt})" for block in parsed.skipped]
    existing = QuestionSet.objects.select_for_update().filter(organisation=organisation, slug=set_slug).first()
    if existing is not None and existing.source_sha256 == digest:
        return _report(existing, parsed, unchanged=True, created=0, skipped=skipped)
    question_set = existing or QuestionSet(organisation=organisation, slug=set_slug)
    question_set.title = set_title
    question_set.source_sha256 = digest
    question_set.full_clean()
    question_set.save()
    question_set.sections.all().delete()
    created = _store_sections(question_set, parsed)
    return _report(question_set, parsed, unchanged=False, created=created, skipped=skipped)


def _store_sections(question_set: QuestionSet, parsed: ParsedQuestionSet) -> int:
    created = 0
    for section_position, parsed_section in enumerate(parsed.sections, start=1):
        section = Section.objects.create(
            question_set=question_set, title=parsed_section.title[:200], position=section_position
        )
        for item_position, parsed_question in enumerate(parsed_section.questions, start=1):
            question, was_created = _question_for(question_set.organisation, parsed_question)
            created += was_created
            SectionItem.objects.create(section=section, question=question, position=item_position)
    return created


def _question_for(organisation: Organisation, parsed: ParsedQuestion) -> tuple[Question, bool]:
    key = question_key_for(parsed.prompt)
    found = Question.objects.filter(organisation=organisation, key=key).first()
    if found is not None:
        return found, False
    return question_create(organisation=organisation, kind=str(parsed.kind), prompt=parsed.prompt, key=key), True


def _report(
    question_set: QuestionSet, parsed: ParsedQuestionSet, *, unchanged: bool, created: int, skipped: list[str]
) -> ImportReport:
    return ImportReport(
        question_set=question_set,
        unchanged=unchanged,
        sections=len(parsed.sections),
        questions=sum(len(section.questions) for section in parsed.sections),
        created_questions=created,
        skipped=skipped,
    )

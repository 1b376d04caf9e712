"""Value types produced by the Markdown question-set parser (no database, no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class QuestionKind(StrEnum):
    CODING = "coding"
    CONCEPTUAL = "conceptual"
    BEHAVIOURAL = "behavioural"


class MarkdownImportError(ValueError):
    """The document cannot be turned into a question set (for example it holds no questions)."""


@dataclass(frozen=True)
class ParsedQuestion:
    prompt: str
    kind: QuestionKind
    line: int


@dataclass(frozen=True)
class ParsedSection:
    title: str
    questions: tuple[ParsedQuestion, ...]
    line: int


@dataclass(frozen=True)
class SkippedBlock:
    line: int
    reason: str
    excerpt: str


@dataclass(frozen=True)
class ParsedQuestionSet:
    title: str | None
    sections: tuple[ParsedSection, ...]
    skipped: tuple[SkippedBlock, ...]

    @property
    def questions(self) -> tuple[ParsedQuestion, ...]:
        """All questions of all sections, in document order."""
        return tuple(question for section in self.sections for question in section.questions)

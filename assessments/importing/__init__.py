"""Pure parsing of question sets from Markdown (no database): see ``parse_question_set``."""

from assessments.importing.kinds import infer_kind
from assessments.importing.markdown import DEFAULT_SECTION_TITLE, parse_question_set
from assessments.importing.parsed import (
    MarkdownImportError,
    ParsedQuestion,
    ParsedQuestionSet,
    ParsedSection,
    QuestionKind,
    SkippedBlock,
)

__all__ = [
    "DEFAULT_SECTION_TITLE",
    "MarkdownImportError",
    "ParsedQuestion",
    "ParsedQuestionSet",
    "ParsedSection",
    "QuestionKind",
    "SkippedBlock",
    "infer_kind",
    "parse_question_set",
]

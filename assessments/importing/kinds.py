"""Inferring a question's kind from its section title and prompt."""

from __future__ import annotations

import re

from assessments.importing.parsed import QuestionKind

_BEHAVIOURAL_SECTION = re.compile(
    r"\b(behaviou?r(al)?|cultur(e|al)|soft[\s-]skills?|people[\s-]skills?|interpersonal|situational|teamwork)\b",
    re.IGNORECASE,
)
# "Implement …", "Write a (Python) function …", "Write code …", "Code a function …".
_CODING_PROMPT = re.compile(
    r"^(implement|write\s+(some\s+)?code|(write|code)\s+an?\s+(\w+\s+)?(function|method|class|program))\b",
    re.IGNORECASE,
)
_INLINE_MARKUP = re.compile(r"[*_`~]")


def infer_kind(section_title: str, prompt: str) -> QuestionKind:
    """Guess the kind of a question.

    A behavioural section (behavioural/behavioral, culture, soft skills, …) makes every question in it
    behavioural; otherwise a prompt that starts with "Implement", "Write a function", "Write code" or
    "Code a function" (case-insensitive, emphasis ignored) is a coding question; anything else is conceptual.
    """
    if _BEHAVIOURAL_SECTION.search(section_title):
        return QuestionKind.BEHAVIOURAL
    opening = _INLINE_MARKUP.sub("", prompt).lstrip(" \t\n>#-:.")
    if _CODING_PROMPT.match(opening):
        return QuestionKind.CODING
    return QuestionKind.CONCEPTUAL

"""The question bank's forms: the list's filters and what every kind of question has (its description, prompt
and interviewer notes); the rubric of a written question, chosen or written on the page."""

import re
from collections.abc import Iterable
from typing import Any

from django import forms

from assessments.models import Difficulty, QuestionKind
from manage.forms.fields import TextField

# Plain words: matched exactly in the list's filter (assessments.selectors.questions.question_search).
TAG = re.compile(r"^[\w][\w +#.-]*$")
MAX_TAGS, MAX_TAG_CHARS = 20, 50
NEW_RUBRIC = "new"
ARCHIVED_CHOICES = [("", "Active"), ("yes", "Archived"), ("all", "Active and archived")]


class QuestionFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search titles and prompts")
    kind = forms.ChoiceField(required=False, choices=[("", "Every kind"), *QuestionKind.choices], label="Kind")
    tag = forms.ChoiceField(required=False, label="Tag")
    archived = forms.ChoiceField(required=False, choices=ARCHIVED_CHOICES, label="Show")

    def __init__(self, *args: Any, tags: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tag"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Every tag"), *((tag, tag) for tag in tags)]

    def filters(self) -> dict[str, Any]:
        """``question_search``'s arguments (an invalid filter is simply not applied)."""
        data = self.cleaned_data if self.is_valid() else {}
        archived = {"": False, "yes": True, "all": None}[data.get("archived", "")]
        text, kind, tag = data.get("q", ""), data.get("kind", ""), data.get("tag", "")
        return {"text": text, "kind": kind, "tag": tag, "archived": archived}


def parse_tags(text: str) -> list[str]:
    tags: list[str] = []
    for raw in text.split(","):
        tag = " ".join(raw.split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG_CHARS or not TAG.match(tag):
            raise forms.ValidationError(
                f"{tag[:MAX_TAG_CHARS]!r}: a tag is up to {MAX_TAG_CHARS} letters, digits, spaces and + # . - _"
            )
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise forms.ValidationError(f"At most {MAX_TAGS} tags.")
    return tags


class QuestionForm(forms.Form):
    title = forms.CharField(
        max_length=200, required=False, label="Title", help_text="Left empty: the first line of the prompt."
    )
    difficulty = forms.ChoiceField(choices=Difficulty.choices, initial=Difficulty.MEDIUM, label="Difficulty")
    tags = forms.CharField(required=False, max_length=1200, label="Tags", help_text="Separated by commas.")
    prompt = TextField(max_length=50_000, rows=12, label="Prompt (Markdown, shown to the candidate)")
    interviewer_notes = TextField(
        required=False, max_length=20_000, rows=4, label="Interviewer notes (never shown to the candidate)"
    )

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data["tags"])


class RubricChoiceForm(forms.Form):
    rubric = forms.ChoiceField(required=False, label="Rubric")
    rubric_title = forms.CharField(required=False, max_length=200, label="Title of the new rubric")
    rubric_description = TextField(required=False, max_length=5000, rows=2, label="Description of the new rubric")

    def __init__(self, *args: Any, rubrics: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rubric"]
        assert isinstance(field, forms.ChoiceField)
        choices = [(str(rubric.pk), rubric.title) for rubric in rubrics]
        field.choices = [("", "No rubric"), *choices, (NEW_RUBRIC, "Write a new rubric below")]

    @property
    def writes_new(self) -> bool:
        return self.is_valid() and self.cleaned_data["rubric"] == NEW_RUBRIC

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rubric") == NEW_RUBRIC and not data.get("rubric_title"):
            self.add_error("rubric_title", "A new rubric needs a title.")
        return data

    def rubric_id(self) -> int | None:
        """The chosen rubric (one of the organisation's, by construction); ``None`` for none or a new one."""
        value = self.cleaned_data["rubric"]
        return int(value) if value and value != NEW_RUBRIC else None

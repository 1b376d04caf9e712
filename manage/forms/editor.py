"""Every form of one question's page together: what all kinds have, plus the rubric (written questions) or the
spec and tests (coding questions); bound to a POST or filled from the question's current revision."""

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict

from assessments.models import CodingSpec, Question, QuestionKind
from common.exceptions import ApplicationError
from manage.forms.coding import CodingSpecForm, TestCaseForm, TestFormSet, initial_of_test, spec_initial
from manage.forms.questions import QuestionForm, RubricChoiceForm
from manage.forms.rubrics import CriterionForm, CriterionFormSet

MORE_ROWS = 2
QUESTION_FIELDS = ("title", "difficulty", "tags", "prompt", "interviewer_notes")


@dataclass
class QuestionEditor:
    kind: str
    question: QuestionForm
    rubric: RubricChoiceForm | None = None
    criteria: forms.BaseFormSet | None = None
    spec: CodingSpecForm | None = None
    tests: forms.BaseFormSet | None = None

    @property
    def is_coding(self) -> bool:
        return self.kind == QuestionKind.CODING

    def is_valid(self) -> bool:
        parts: list[Any] = [self.question]
        if self.is_coding:
            parts += [self.spec, self.tests]
        else:
            parts.append(self.rubric)
            if self.rubric is not None and self.rubric.writes_new:
                parts.append(self.criteria)
        valid = all([part.is_valid() for part in parts])  # a list, not a generator: every form shows its errors
        return valid and self._custom_checker_has_source()

    def _custom_checker_has_source(self) -> bool:
        if not self.is_coding or self.spec is None or self.spec.cleaned_data["custom_checker_source"].strip():
            return True
        if any(test["checker"] == "custom" for test in self.test_data()):
            self.spec.add_error("custom_checker_source", "Some tests use the custom checker: write its source.")
            return False
        return True

    def question_data(self) -> dict[str, Any]:
        return {field: self.question.cleaned_data[field] for field in QUESTION_FIELDS}

    def test_data(self) -> list[dict[str, Any]]:
        assert isinstance(self.tests, forms.BaseFormSet)
        return self.tests.tests()  # type: ignore[attr-defined]

    def code_data(self) -> dict[str, Any]:
        assert self.spec is not None
        data = self.spec.cleaned_data
        return {
            "spec": self.spec.spec(),
            "starter_code": data["starter_code"],
            "reference_solution": data["reference_solution"],
            "custom_checker_source": data["custom_checker_source"],
            "tests": self.test_data(),
        }

    def refuse(self, exc: ApplicationError) -> None:
        """A service said no: its message (and details) on the page, above the forms."""
        details = exc.details if isinstance(exc.details, dict) else {}
        lines = [f"{where}: {'; '.join(map(str, why))}" for where, why in details.items() if isinstance(why, list)]
        self.question.add_error(None, " ".join([exc.message, *lines]))


def question_editor(
    *,
    kind: str,
    rubrics: Iterable[Any],
    data: QueryDict | None = None,
    question: Question | None = None,
    spec: CodingSpec | None = None,
    more: str = "",
) -> QuestionEditor:
    """The page's forms: bound to ``data`` (with ``MORE_ROWS`` blank rows added to the ``more`` formset, "tests"
    or "criteria") or filled from ``question`` and its ``spec``."""
    if data is not None and more:
        data = _with_more_rows(data, more)
    revision = question.current_revision if question else None
    initial = _question_initial(question) if question else None
    editor = QuestionEditor(kind=kind, question=QuestionForm(data, initial=initial))
    if kind == QuestionKind.CODING:
        editor.spec = CodingSpecForm(data, initial=spec_initial(spec) if spec else None)
        tests = [initial_of_test(test) for test in spec.test_cases.order_by("position")] if spec else None
        editor.tests = TestFormSet(data, initial=tests, prefix="tests")
    else:
        rubric_initial = {"rubric": str(revision.rubric_id or "")} if revision else None
        editor.rubric = RubricChoiceForm(data, initial=rubric_initial, rubrics=rubrics)
        editor.criteria = CriterionFormSet(data, prefix="criteria")
    return editor


def _question_initial(question: Question) -> dict[str, Any]:
    revision = question.current_revision
    return {
        "title": question.title,
        "difficulty": question.difficulty,
        "tags": ", ".join(question.tags or []),
        "prompt": revision.prompt if revision else "",
        "interviewer_notes": revision.interviewer_notes if revision else "",
    }


ROW_FORMS: dict[str, type[forms.Form]] = {"tests": TestCaseForm, "criteria": CriterionForm}


def _with_more_rows(data: QueryDict, prefix: str) -> QueryDict:
    """``data`` with ``MORE_ROWS`` more rows in the ``prefix`` formset, holding their fields' initial values (a
    bound row without data would show empty fields, not its defaults)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    with contextlib.suppress(ValueError):  # a tampered count: the formset reports it
        total = int(data.get(key, "0"))
        data[key] = str(total + MORE_ROWS)
        fields = ROW_FORMS[prefix]().fields
        for row in range(total, total + MORE_ROWS):
            for name, field in fields.items():
                if field.initial is not None:
                    data[f"{prefix}-{row}-{name}"] = str(field.initial)
    return data

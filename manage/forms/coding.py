"""A coding question's spec and its tests editor: arguments and expected values as JSON, sample or hidden,
weight, and each test's checker with its options (assessments.services.coding.coding_spec_set's shape)."""

import inspect
from typing import Any

from django import forms

from assessments.models import CodingSpec, TestCase, Visibility
from grading.checkers import CHECKERS
from manage.forms.fields import TextField, as_json, json_text_field, parse_json

MAX_CODE_CHARS = 64 * 1024
MAX_TESTS = 200  # the sandbox's limit per job
CHECKER_CHOICES = [
    ("exact", "Exact"),
    ("float", "Numbers within a tolerance"),
    ("unordered", "List in any order"),
    ("exception", "Raises an exception"),
    ("custom", "Custom (the question's checker source)"),
]
TOLERANCES = ("rel_tol", "abs_tol")
TOLERANT_CHECKERS = ("float", "unordered")
SPEC_FIELDS = ("function_name", "signature", "cpu_seconds", "wall_seconds", "memory_mb")


class CodingSpecForm(forms.Form):
    function_name = forms.RegexField(
        regex=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=100, label="Entry point (function name)"
    )
    signature = forms.CharField(max_length=500, label="Signature shown to the candidate")
    starter_code = TextField(max_length=MAX_CODE_CHARS, rows=8, label="Starter code")
    reference_solution = TextField(max_length=MAX_CODE_CHARS, rows=10, label="Reference solution")
    custom_checker_source = TextField(
        required=False,
        max_length=MAX_CODE_CHARS,
        rows=6,
        label="Custom checker source",
        help_text="Defines check(actual, expected, **options), run in the sandbox; for tests whose checker is Custom.",
    )
    cpu_seconds = forms.FloatField(min_value=0.1, max_value=60, initial=2.0, label="CPU seconds per test")
    wall_seconds = forms.FloatField(min_value=0.1, max_value=120, initial=5.0, label="Wall-clock seconds per test")
    memory_mb = forms.IntegerField(min_value=16, max_value=4096, initial=256, label="Memory per test (MB)")

    def spec(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in SPEC_FIELDS}


def spec_initial(spec: CodingSpec) -> dict[str, Any]:
    fields = CodingSpecForm.base_fields
    return {field: getattr(spec, field) for field in fields}


class TestCaseForm(forms.Form):
    __test__ = False  # not a pytest class

    name = forms.CharField(max_length=120, required=False, label="Name")
    args = json_text_field(label="Arguments", required=True, help_text="A JSON list: the positional arguments.")
    expected = json_text_field(label="Expected value", required=False, help_text="JSON (null for None).")
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.HIDDEN, label="Shown")
    weight = forms.FloatField(min_value=0.001, max_value=1000, initial=1.0, label="Weight")
    checker = forms.ChoiceField(choices=CHECKER_CHOICES, initial="exact", label="Checker")
    expected_exception = forms.RegexField(
        regex=r"^[A-Za-z_][A-Za-z0-9_.]*$", max_length=100, required=False, label="Exception type"
    )
    rel_tol = forms.FloatField(min_value=0, max_value=1, required=False, label="Relative tolerance")
    abs_tol = forms.FloatField(min_value=0, required=False, label="Absolute tolerance")
    options = json_text_field(label="Other checker options", required=False, help_text="A JSON object.")

    def clean_args(self) -> list[Any]:
        args = parse_json(self.cleaned_data["args"], what="The arguments")
        if not isinstance(args, list):
            raise forms.ValidationError("The arguments are a JSON list, one element per positional argument.")
        return args

    def clean_options(self) -> dict[str, Any]:
        text = self.cleaned_data["options"]
        options = parse_json(text, what="The options") if text else {}
        if not isinstance(options, dict):
            raise forms.ValidationError("The options are a JSON object.")
        return options

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        checker = data.get("checker")
        if checker == "exception":
            if not data.get("expected_exception"):
                self.add_error("expected_exception", "Name the exception the code must raise.")
        elif data.get("expected_exception"):
            self.add_error("expected_exception", "Only the 'Raises an exception' checker expects an exception.")
        elif not data.get("expected"):
            self.add_error("expected", "Give the expected value as JSON (null for None).")
        else:
            try:
                data["expected_value"] = parse_json(data.get("expected", ""), what="The expected value")
            except forms.ValidationError as exc:
                self.add_error("expected", exc)
        self._clean_options(data)
        return data

    def _clean_options(self, data: dict[str, Any]) -> None:
        checker, options = data.get("checker"), dict(data.get("options") or {})
        for name in TOLERANCES:
            value = data.get(name)
            if value is None:
                continue
            options[name] = value
            if checker not in TOLERANT_CHECKERS:
                self.add_error(name, "Tolerances apply to the float and unordered checkers.")
        if checker in CHECKERS:
            try:
                inspect.signature(CHECKERS[checker]).bind(None, None, **options)
            except TypeError as exc:
                self.add_error("options", f"The {checker} checker does not take these options: {exc}")
        data["checker_options"] = options

    def test(self) -> dict[str, Any]:
        """``coding_spec_set``'s shape of one test."""
        data = self.cleaned_data
        exception = data["checker"] == "exception"
        return {
            "name": data["name"],
            "args": data["args"],
            "expected": None if exception else data["expected_value"],
            "expected_exception": data["expected_exception"] if exception else "",
            "checker": data["checker"],
            "checker_options": data["checker_options"],
            "weight": data["weight"],
            "visibility": data["visibility"],
        }


def initial_of_test(test: TestCase) -> dict[str, Any]:
    options = dict(test.checker_options or {})
    tolerances = {name: options.pop(name) for name in TOLERANCES if name in options}
    return {
        "name": test.name,
        "args": as_json(test.args),
        "expected": "" if test.expected_exception else as_json(test.expected),
        "visibility": test.visibility,
        "weight": test.weight,
        "checker": test.checker,
        "expected_exception": test.expected_exception,
        "options": as_json(options) if options else "",
        **tolerances,
    }


class BaseTestFormSet(forms.BaseFormSet):
    __test__ = False

    def tests(self) -> list[dict[str, Any]]:
        """The tests in page order: the existing rows not deleted, and the new rows filled in."""
        return [
            form.test()
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed()) and not _deleted(form)
        ]


def _deleted(form: forms.Form) -> bool:
    form.is_valid()  # fills cleaned_data, DELETE included, even when another field has an error
    return bool(form.cleaned_data.get("DELETE"))


TestFormSet = forms.formset_factory(
    TestCaseForm,
    formset=BaseTestFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_TESTS,
    validate_max=True,
    absolute_max=MAX_TESTS + 20,
)

"""Coding specs and their test cases.

A spec is published once its reference solution passed every test in the sandbox (``grading``); any
change to its content (``coding_spec_set`` replaces it) leaves it unpublished until it passes again.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from assessments.models import CodingSpec, Question, QuestionKind, QuestionRevision, TestCase, Visibility
from assessments.seed.coding import load_coding_seed
from assessments.services.questions import question_create, question_edit, question_revise
from common.exceptions import ApplicationError, ConflictError
from organisations.models import Organisation

SPEC_FIELDS = ("function_name", "signature", "cpu_seconds", "wall_seconds", "memory_mb", "language")
# What a published spec vouches for: change any of it and the reference must pass again.
SPEC_CONTENT = (
    *SPEC_FIELDS,
    "starter_code",
    "reference_solution",
    "custom_checker_source",
)
TEST_CONTENT = (
    "name",
    "args",
    "expected",
    "expected_exception",
    "checker",
    "checker_options",
    "weight",
    "visibility",
)
CUSTOM_CHECKER = "custom"


@transaction.atomic
def coding_spec_set(
    *,
    revision: QuestionRevision,
    spec: dict[str, Any],
    starter_code: str,
    reference_solution: str,
    tests: list[dict[str, Any]],
    custom_checker_source: str = "",
) -> CodingSpec:
    """Replace the coding spec and tests of a revision no attempt has used yet."""
    # Re-read under a row lock: the caller's copy may predate an attempt pinning this revision.
    revision = QuestionRevision.objects.select_for_update().select_related("question").get(pk=revision.pk)
    if revision.is_locked:
        raise ConflictError("This revision has been used by an attempt; revise the question first.")
    if revision.question.kind != QuestionKind.CODING:
        raise ApplicationError("Only coding questions have a coding spec.")
    _validate_tests(tests, custom_checker_source=custom_checker_source)
    CodingSpec.objects.filter(revision=revision).delete()
    coding_spec = _spec(revision, spec, starter_code, reference_solution, custom_checker_source)
    coding_spec.full_clean()
    coding_spec.save()
    TestCase.objects.bulk_create([_test_case(coding_spec, position, data) for position, data in enumerate(tests, 1)])
    return coding_spec


def _spec(
    revision: QuestionRevision, spec: dict[str, Any], starter_code: str, reference_solution: str, checker_source: str
) -> CodingSpec:
    return CodingSpec(
        revision=revision,
        starter_code=starter_code,
        reference_solution=reference_solution,
        custom_checker_source=checker_source,
        **{field: spec[field] for field in SPEC_FIELDS if field in spec},
    )


def _validate_tests(tests: list[dict[str, Any]], *, custom_checker_source: str = "") -> None:
    problems: dict[str, list[str]] = {}
    for index, data in enumerate(tests):
        errors = []
        if not isinstance(data.get("args"), list):
            errors.append("args must be a JSON list of positional arguments")
        if data.get("visibility", Visibility.HIDDEN) not in Visibility.values:
            errors.append(f"visibility must be one of {Visibility.values}")
        if float(data.get("weight", 1)) <= 0:
            errors.append("weight must be positive")
        if data.get("expected_exception") and data.get("checker") != "exception":
            errors.append("a test expecting an exception uses the 'exception' checker")
        if data.get("checker") == CUSTOM_CHECKER and not custom_checker_source.strip():
            errors.append("a test using the custom checker needs the question's checker source")
        if errors:
            problems[str(data.get("name") or index)] = errors
    if problems:
        raise ApplicationError("Some test cases are invalid.", details=problems)


def _test_case(spec: CodingSpec, position: int, data: dict[str, Any]) -> TestCase:
    test = TestCase(
        spec=spec,
        position=position,
        name=str(data.get("name") or f"test {position}")[:120],
        args=data["args"],
        expected=data.get("expected"),
        expected_exception=data.get("expected_exception") or "",
        checker=data.get("checker") or "exact",
        checker_options=data.get("checker_options") or {},
        weight=float(data.get("weight", 1.0)),
        visibility=data.get("visibility") or Visibility.HIDDEN,
    )
    test.full_clean(exclude=["spec"])
    return test


def spec_content(spec: CodingSpec, tests: list[TestCase]) -> dict[str, Any]:
    """Everything a published spec vouches for, as plain data (saved or not)."""
    return {
        "spec": {field: getattr(spec, field) for field in SPEC_CONTENT},
        "tests": [{field: getattr(test, field) for field in TEST_CONTENT} for test in tests],
    }


def spec_fingerprint(spec: CodingSpec, tests: list[TestCase] | None = None) -> str:
    """A hash of the saved spec's content (with ``tests``, as already read): a validation counts only for
    the content it ran."""
    content = spec_content(spec, list(spec.test_cases.order_by("position")) if tests is None else tests)
    return hashlib.sha256(_canonical(content).encode()).hexdigest()


def coding_spec_changes(
    *,
    revision: QuestionRevision,
    spec: dict[str, Any],
    starter_code: str,
    reference_solution: str,
    tests: list[dict[str, Any]],
    custom_checker_source: str = "",
) -> bool:
    """Whether ``coding_spec_set`` with these arguments would change the revision's spec."""
    current = CodingSpec.objects.filter(revision=revision).first()
    if current is None:
        return True
    _validate_tests(tests, custom_checker_source=custom_checker_source)
    proposed = _spec(revision, spec, starter_code, reference_solution, custom_checker_source)
    proposed_tests = [_test_case(proposed, position, data) for position, data in enumerate(tests, 1)]
    saved = spec_content(current, list(current.test_cases.order_by("position")))
    return _canonical(spec_content(proposed, proposed_tests)) != _canonical(saved)


def _canonical(content: dict[str, Any]) -> str:
    # Numbers as the database gives them back: 2 and 2.0 seconds are one limit.
    for field in ("cpu_seconds", "wall_seconds"):
        content["spec"][field] = float(content["spec"][field])
    return json.dumps(content, sort_keys=True, default=str)


@dataclass(frozen=True)
class CodingEdit:
    revision: QuestionRevision
    spec_changed: bool
    unpublished: bool  # the spec was published and this edit took it out of publication


@transaction.atomic
def coding_question_create(
    *, organisation: Organisation, question: dict[str, Any], code: dict[str, Any], created_by: User | None = None
) -> Question:
    """A coding question with its spec and tests. ``question``: ``question_create``'s content arguments
    (prompt, title, difficulty, tags, interviewer_notes); ``code``: ``coding_spec_set``'s."""
    created = question_create(organisation=organisation, kind=QuestionKind.CODING, created_by=created_by, **question)
    revision = created.current_revision
    assert revision is not None
    coding_spec_set(revision=revision, **code)
    return created


@transaction.atomic
def coding_question_edit(
    *, question: Question, question_data: dict[str, Any], code: dict[str, Any], edited_by: User | None = None
) -> CodingEdit:
    """Edit a coding question. Only a changed spec (its fields, tests or checker) is replaced, and a replaced
    spec is unpublished until its reference passes again; a revision an attempt used is never changed."""
    change = question_edit(question=question, edited_by=edited_by, **question_data)
    revision = change.revision
    if not coding_spec_changes(revision=revision, **code):
        return CodingEdit(revision=revision, spec_changed=False, unpublished=False)
    was_published = CodingSpec.objects.filter(revision=revision, published_at__isnull=False).exists()
    if revision.is_locked:
        revision = question_revise(question=question, created_by=edited_by).revision
    coding_spec_set(revision=revision, **code)
    return CodingEdit(revision=revision, spec_changed=True, unpublished=was_published)


def coding_spec_unpublish(*, spec: CodingSpec) -> bool:
    """Take a spec out of publication (its content changed outside ``coding_spec_set``); whether it was published."""
    unpublished = CodingSpec.objects.filter(pk=spec.pk, published_at__isnull=False).update(published_at=None)
    spec.published_at = None
    return bool(unpublished)


def spec_test_revision(spec: CodingSpec) -> str:
    """Identifies exactly which tests a grade ran against: revision number plus a hash of the tests."""
    rows = list(
        spec.test_cases.order_by("position").values(
            "position", "args", "expected", "expected_exception", "checker", "checker_options", "weight", "visibility"
        )
    )
    payload = json.dumps([rows, spec.custom_checker_source], sort_keys=True, default=str)
    return f"r{spec.revision.number}-{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


def coding_spec_from_seed(*, question: Question, seed_name: str) -> CodingSpec:
    """Attach a shipped coding spec (assessments/seed/coding/<name>) to a question, once."""
    revision = question.current_revision
    assert revision is not None
    existing = CodingSpec.objects.filter(revision=revision).first()
    if existing is not None:
        return existing
    seed = load_coding_seed(seed_name)
    question.title = seed["spec"].get("title", question.title)
    question.difficulty = seed["spec"].get("difficulty", question.difficulty)
    question.tags = seed["spec"].get("tags", question.tags)
    question.save(update_fields=["title", "difficulty", "tags", "updated_at"])
    if revision.is_locked:
        revision = question_revise(question=question).revision
    revision.prompt = f"{revision.prompt}\n\n{seed['prompt'].strip()}"
    revision.save(update_fields=["prompt", "updated_at"])
    return coding_spec_set(
        revision=revision,
        spec=seed["spec"],
        starter_code=seed["starter"],
        reference_solution=seed["reference"],
        tests=seed["tests"],
        custom_checker_source=seed.get("checker_source") or "",
    )

"""Coding specs and their test cases."""

import hashlib
import json
from typing import Any

from django.db import transaction

from assessments.models import CodingSpec, Question, QuestionKind, QuestionRevision, TestCase, Visibility
from assessments.seed.coding import load_coding_seed
from assessments.services.questions import question_revise
from common.exceptions import ApplicationError, ConflictError

SPEC_FIELDS = ("function_name", "signature", "cpu_seconds", "wall_seconds", "memory_mb", "language")


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
    _validate_tests(tests)
    CodingSpec.objects.filter(revision=revision).delete()
    coding_spec = CodingSpec(
        revision=revision,
        starter_code=starter_code,
        reference_solution=reference_solution,
        custom_checker_source=custom_checker_source,
        **{field: spec[field] for field in SPEC_FIELDS if field in spec},
    )
    coding_spec.full_clean()
    coding_spec.save()
    TestCase.objects.bulk_create([_test_case(coding_spec, position, data) for position, data in enumerate(tests, 1)])
    return coding_spec


def _validate_tests(tests: list[dict[str, Any]]) -> None:
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

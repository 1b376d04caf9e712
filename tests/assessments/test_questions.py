import pytest
from django.db import IntegrityError
from django.utils import timezone

from assessments.models import CodingSpec, QuestionRevision, TestCase
from assessments.services.coding import coding_spec_set
from assessments.services.questions import question_create, question_revise, revisions_lock
from common.exceptions import ConflictError
from tests.factories import RubricFactory

pytestmark = pytest.mark.django_db


def test_unlocked_revision_is_edited_in_place(organisation):
    question = question_create(organisation=organisation, kind="conceptual", prompt="Old?")
    change = question_revise(question=question, prompt="New?")
    assert not change.created and change.revision.number == 1
    assert QuestionRevision.objects.get(question=question).prompt == "New?"


def test_locked_revision_is_immutable_and_edit_makes_a_new_one(organisation):
    question = question_create(organisation=organisation, kind="conceptual", prompt="Old?")
    first = question.current_revision
    revisions_lock(revision_ids=[first.pk])
    change = question_revise(question=question, prompt="New?", rubric=RubricFactory(organisation=organisation))
    assert change.created and change.revision.number == 2
    first.refresh_from_db()
    assert first.prompt == "Old?" and first.rubric is None and first.is_locked
    assert question.current_revision == change.revision


def _coding_question(organisation):
    question = question_create(organisation=organisation, kind="coding", prompt="Implement f.")
    spec = coding_spec_set(
        revision=question.current_revision,
        spec={"function_name": "f", "signature": "def f(x: int) -> int", "cpu_seconds": 1, "wall_seconds": 2},
        starter_code="def f(x):\n    pass\n",
        reference_solution="def f(x):\n    return x\n",
        tests=[
            {"name": "one", "args": [1], "expected": 1, "visibility": "sample"},
            {"name": "bad", "args": ["x"], "expected_exception": "TypeError", "checker": "exception"},
        ],
    )
    return question, spec


def test_revising_a_locked_coding_question_copies_spec_and_tests(organisation):
    question, spec = _coding_question(organisation)
    revisions_lock(revision_ids=[spec.revision_id])
    new_revision = question_revise(question=question, prompt="Implement f, better.").revision
    copy = CodingSpec.objects.get(revision=new_revision)
    assert copy.pk != spec.pk and copy.function_name == "f"
    assert list(copy.test_cases.values_list("name", flat=True)) == ["one", "bad"]
    assert spec.test_cases.count() == 2


def test_locked_coding_spec_cannot_be_replaced(organisation):
    _, spec = _coding_question(organisation)
    revisions_lock(revision_ids=[spec.revision_id])
    with pytest.raises(ConflictError):
        coding_spec_set(revision=spec.revision, spec={}, starter_code="", reference_solution="", tests=[])
    assert CodingSpec.objects.get(pk=spec.pk).test_cases.count() == 2


def test_database_refuses_exception_test_without_exception_checker(organisation):
    _, spec = _coding_question(organisation)
    with pytest.raises(IntegrityError):
        TestCase.objects.create(spec=spec, position=9, name="x", args=[], expected_exception="ValueError")


def test_database_refuses_non_positive_weight(organisation):
    _, spec = _coding_question(organisation)
    with pytest.raises(IntegrityError):
        TestCase.objects.create(spec=spec, position=9, name="x", args=[], weight=0)


def test_two_questions_with_one_prompt_get_distinct_keys(manager_client, organisation):
    first = manager_client.post("/api/v1/questions/", {"kind": "conceptual", "prompt": "Why?"}, format="json")
    second = manager_client.post("/api/v1/questions/", {"kind": "conceptual", "prompt": "Why?"}, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["key"] == first.json()["key"] + "-2"


def test_an_empty_patch_changes_nothing_and_answers_200(manager_client, organisation):
    created = manager_client.post("/api/v1/questions/", {"kind": "conceptual", "prompt": "Why?"}, format="json").json()
    response = manager_client.patch(f"/api/v1/questions/{created['id']}/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["revision"] == created["revision"] == 1


def test_a_revision_moves_the_question_in_updated_since_lists(manager_client, organisation):
    created = manager_client.post("/api/v1/questions/", {"kind": "conceptual", "prompt": "Why?"}, format="json").json()
    cutoff = timezone.now().isoformat()
    assert manager_client.get("/api/v1/questions/", {"updated_since": cutoff}).json()["results"] == []
    manager_client.patch(f"/api/v1/questions/{created['id']}/", {"prompt": "Why, really?"}, format="json")
    changed = manager_client.get("/api/v1/questions/", {"updated_since": cutoff}).json()["results"]
    assert [row["id"] for row in changed] == [created["id"]] and changed[0]["prompt"] == "Why, really?"

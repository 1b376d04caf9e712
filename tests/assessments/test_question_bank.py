"""The question bank's pages (/manage/questions/): list and filters, each kind created and edited through the
pages, revisions pinned, bad input refused with form errors and nothing saved, edits that unpublish, and
publishing refused before a validation of the current content. Validation in the real sandbox is in
tests/grading/test_question_validation.py."""

import re

import pytest
from django.utils import timezone

from assessments.models import CodingSpec, Question, QuestionRevision
from assessments.models import TestCase as SpecTestCase
from assessments.services.coding import coding_question_create, spec_fingerprint
from assessments.services.questions import revisions_lock
from common import queueing
from grading.models import SpecValidation, ValidationStatus
from organisations.models import Role
from rubrics.models import Criterion, Level, Rubric
from tests.factories import MembershipFactory, QuestionFactory, RubricFactory

pytestmark = pytest.mark.django_db

REFERENCE = "def mean(xs):\n    return sum(xs) / len(xs)\n"
LEVELS = {1: "Weak", 2: "Partial", 3: "Good", 4: "Excellent"}


@pytest.fixture
def manager(client, organisation):
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    return client


def written_form(**overrides) -> dict:
    form = {
        "title": "",
        "difficulty": "medium",
        "tags": "NLP, embeddings",
        "prompt": "What is **TF-IDF**?\r\n\r\nExplain.",
        "interviewer_notes": "Look for the IDF part.",
        "rubric": "",
        "rubric_title": "",
        "rubric_description": "",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "12",
        "action": "save",
    }
    for row in range(2):
        form[f"criteria-{row}-weight"] = "1.0"
        for score, label in LEVELS.items():
            form[f"criteria-{row}-level_{score}_label"] = label
    return form | overrides


def criterion(row: int, name: str) -> dict:
    data = {f"criteria-{row}-name": name, f"criteria-{row}-description": f"About {name}"}
    for score in LEVELS:
        data[f"criteria-{row}-level_{score}"] = f"{name} at level {score}"
    return data


def test_a_conceptual_question_with_a_rubric_written_on_the_page(manager, organisation):
    form = written_form(rubric="new", rubric_title="TF-IDF depth") | criterion(0, "Accuracy") | criterion(1, "Depth")
    response = manager.post("/manage/questions/new/?kind=conceptual", form)
    question = Question.objects.get(organisation=organisation)
    assert response.status_code == 302 and response["Location"] == f"/manage/questions/{question.pk}/"
    revision = question.current_revision
    assert (question.kind, question.title) == ("conceptual", "What is **TF-IDF**?")
    assert question.tags == ["nlp", "embeddings"]
    assert revision.prompt == "What is **TF-IDF**?\n\nExplain."  # the browser's CRLF made LF
    assert revision.interviewer_notes == "Look for the IDF part."
    rubric = revision.rubric
    assert (rubric.organisation, rubric.title, rubric.kind) == (organisation, "TF-IDF depth", "question")
    assert [c.name for c in rubric.criteria.order_by("position")] == ["Accuracy", "Depth"]
    levels = Level.objects.filter(criterion__rubric=rubric, criterion__name="Depth").order_by("score")
    assert [(level.score, level.label, level.description) for level in levels] == [
        (score, label, f"Depth at level {score}") for score, label in LEVELS.items()
    ]


def test_a_behavioural_question_with_a_chosen_rubric_then_edited_into_a_new_revision(manager, organisation):
    star = RubricFactory(organisation=organisation, title="STAR")
    response = manager.post("/manage/questions/new/?kind=behavioural", written_form(rubric=str(star.pk)))
    question = Question.objects.get(organisation=organisation, kind="behavioural")
    assert response.status_code == 302 and question.current_revision.rubric == star
    first = question.current_revision
    revisions_lock(revision_ids=[first.pk])  # an attempt used it

    edited = written_form(rubric=str(star.pk), title="Conflict", prompt="Tell me about a conflict.", tags="people")
    assert manager.post(f"/manage/questions/{question.pk}/", edited).status_code == 302
    question.refresh_from_db()
    first.refresh_from_db()
    assert (question.title, question.tags, question.current_revision.number) == ("Conflict", ["people"], 2)
    assert question.current_revision.prompt == "Tell me about a conflict." and first.prompt.startswith("What is")

    # Saving the page unchanged makes no revision (line ends as a browser sends them included).
    page = manager.get(f"/manage/questions/{question.pk}/").content.decode()
    assert "Tell me about a conflict." in page and 'value="Conflict"' in page
    assert manager.post(f"/manage/questions/{question.pk}/", edited).status_code == 302
    assert question.revisions.count() == 2


def test_another_organisations_rubric_cannot_be_chosen(manager, organisation, other_organisation):
    theirs = RubricFactory(organisation=other_organisation)
    response = manager.post("/manage/questions/new/?kind=conceptual", written_form(rubric=str(theirs.pk)))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Question.objects.exists()


def test_a_new_rubric_needs_complete_criteria_and_nothing_is_saved_otherwise(manager, organisation):
    incomplete = criterion(0, "Accuracy") | {"criteria-0-level_3": ""}
    response = manager.post("/manage/questions/new/?kind=conceptual", written_form(rubric="new") | incomplete)
    page = response.content.decode()
    assert response.status_code == 400 and "A new rubric needs a title." in page and "This field is required" in page
    assert not Question.objects.exists() and not Rubric.objects.exists()
    empty = written_form(rubric="new", rubric_title="Empty")
    response = manager.post("/manage/questions/new/?kind=conceptual", empty)
    assert response.status_code == 400 and "A rubric needs at least one criterion." in response.content.decode()
    assert not Rubric.objects.exists() and not Criterion.objects.exists()


def test_the_prompt_preview_is_rendered_safely_and_saves_nothing(manager):
    prompt = "Say **hi** <script>alert(1)</script> [x](javascript:alert(2))"
    response = manager.post("/manage/questions/new/?kind=conceptual", written_form(prompt=prompt, action="preview"))
    page = response.content.decode()
    preview = page[page.index('data-testid="prompt-preview"') :]
    assert response.status_code == 200 and "<strong>hi</strong>" in preview
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in preview
    assert 'href="javascript:' not in page
    assert not Question.objects.exists()


# Coding questions


def coding_form(tests: list[dict], **overrides) -> dict:
    form = {
        "title": "Mean",
        "difficulty": "easy",
        "tags": "python",
        "prompt": "Return the mean of `xs`.",
        "interviewer_notes": "",
        "function_name": "mean",
        "signature": "def mean(xs: list[float]) -> float",
        "starter_code": "def mean(xs):\r\n    pass\r\n",
        "reference_solution": REFERENCE,
        "custom_checker_source": "",
        "cpu_seconds": "1",
        "wall_seconds": "2",
        "memory_mb": "128",
        "tests-TOTAL_FORMS": str(len(tests)),
        "tests-INITIAL_FORMS": "0",
        "tests-MIN_NUM_FORMS": "0",
        "tests-MAX_NUM_FORMS": "200",
        "action": "save",
    }
    for row, test in enumerate(tests):
        values = {"visibility": "hidden", "weight": "1.0", "checker": "exact"} | test
        form |= {f"tests-{row}-{field}": value for field, value in values.items()}
    return form | overrides


TESTS = [
    {"name": "two", "args": "[[1, 3]]", "expected": "2", "visibility": "sample"},
    {"name": "thirds", "args": "[[1, 2, 2]]", "expected": "1.6666667", "checker": "float", "rel_tol": "1e-6"},
    {"name": "empty", "args": "[[]]", "checker": "exception", "expected_exception": "ZeroDivisionError"},
    {"name": "strict", "args": "[[2]]", "expected": "2.0", "weight": "2.5", "options": '{"strict_types": true}'},
]


TEST_DATA = {"name": "two", "args": [[1, 3]], "expected": 2, "visibility": "sample"}


def _create_coding(manager, organisation, tests=TESTS) -> Question:
    response = manager.post("/manage/questions/new/?kind=coding", coding_form(tests))
    assert response.status_code == 302, errors(response)
    return Question.objects.get(organisation=organisation, kind="coding")


def test_a_coding_question_with_its_tests_and_checkers_created_on_the_page(manager, organisation):
    question = _create_coding(manager, organisation)
    spec = CodingSpec.objects.get(revision=question.current_revision)
    assert (spec.function_name, spec.cpu_seconds, spec.wall_seconds, spec.memory_mb) == ("mean", 1.0, 2.0, 128)
    assert spec.starter_code == "def mean(xs):\n    pass\n" and spec.reference_solution == REFERENCE
    assert spec.published_at is None
    rows = spec.test_cases.order_by("position").values_list(
        "name", "args", "expected", "expected_exception", "checker", "checker_options", "weight", "visibility"
    )
    assert list(rows) == [
        ("two", [[1, 3]], 2, "", "exact", {}, 1.0, "sample"),
        ("thirds", [[1, 2, 2]], 1.6666667, "", "float", {"rel_tol": 1e-6}, 1.0, "hidden"),
        ("empty", [[]], None, "ZeroDivisionError", "exception", {}, 1.0, "hidden"),
        ("strict", [[2]], 2.0, "", "exact", {"strict_types": True}, 2.5, "hidden"),
    ]


@pytest.mark.parametrize(
    ("test", "error"),
    [
        ({"args": "[1, 2"}, "The arguments is not valid JSON"),
        ({"args": '{"xs": 1}'}, "The arguments are a JSON list"),
        ({"args": "[NaN]"}, "NaN is not JSON"),
        ({"expected": ""}, "Give the expected value as JSON"),
        ({"expected": "{'a': 1}"}, "The expected value is not valid JSON"),
        ({"checker": "exception", "expected_exception": ""}, "Name the exception the code must raise."),
        ({"expected_exception": "ValueError"}, "Only the &#x27;Raises an exception&#x27; checker"),
        ({"rel_tol": "0.1"}, "Tolerances apply to the float and unordered checkers."),
        ({"checker": "float", "options": '{"tolerance": 1}'}, "The float checker does not take these options"),
        ({"options": "[1]"}, "The options are a JSON object."),
        ({"weight": "0"}, "greater than or equal to 0.001"),
        ({"checker": "custom"}, "Some tests use the custom checker: write its source."),
        ({"checker": "nope"}, "Select a valid choice"),
    ],
)
def test_bad_test_input_is_a_400_with_form_errors_and_saves_nothing(manager, test, error):
    row = {"name": "bad", "args": "[[1]]", "expected": "1"} | test
    response = manager.post("/manage/questions/new/?kind=coding", coding_form([TESTS[0], row]))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Question.objects.exists() and not CodingSpec.objects.exists()


def test_bad_spec_input_and_a_tampered_formset_are_400s(manager):
    bad = coding_form(TESTS, function_name="not a name", cpu_seconds="999", **{"tests-TOTAL_FORMS": "x"})
    response = manager.post("/manage/questions/new/?kind=coding", bad)
    page = response.content.decode()
    assert response.status_code == 400 and "Enter a valid value." in page
    assert "less than or equal to 60" in page
    assert not Question.objects.exists()


def test_more_rows_and_preview_save_nothing(manager):
    response = manager.post("/manage/questions/new/?kind=coding", coding_form(TESTS[:1], action="more_tests"))
    page = response.content.decode()
    assert response.status_code == 200 and 'name="tests-2-args"' in page and 'value="two"' in page
    assert re.search(r'name="tests-2-weight" value="1.0"', page)  # new rows hold their defaults
    assert re.search(r'<option value="hidden" selected>', page[page.index('name="tests-2-visibility"') :])
    assert not Question.objects.exists()


def _publish(spec: CodingSpec) -> None:
    CodingSpec.objects.filter(pk=spec.pk).update(published_at=timezone.now())


def _current_spec(question: Question) -> CodingSpec:
    return CodingSpec.objects.get(revision=Question.objects.get(pk=question.pk).current_revision)


def _edit(manager, question, tests=TESTS, **overrides):
    form = coding_form(tests, **{"tests-INITIAL_FORMS": str(len(tests))} | overrides)
    response = manager.post(f"/manage/questions/{question.pk}/", form, follow=True)
    assert response.status_code == 200 and response.redirect_chain, errors(response)
    return response.content.decode()


def errors(response) -> list[str]:
    """The page's error lists, for a failing assertion's message."""
    return re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', response.content.decode(), re.S)


def test_a_prompt_edit_keeps_a_published_spec_published_even_in_a_new_revision(manager, organisation):
    question = _create_coding(manager, organisation)
    spec = _current_spec(question)
    _publish(spec)
    page = manager.get(f"/manage/questions/{question.pk}/").content.decode()
    assert 'value="1.6666667"' in page or "1.6666667</textarea>" in page  # the tests come back into the editor
    assert "Question saved." in _edit(manager, question)  # unchanged: nothing replaced
    assert _current_spec(question).pk == spec.pk and _current_spec(question).published_at is not None

    revisions_lock(revision_ids=[spec.revision_id])
    _edit(manager, question, prompt="Return the arithmetic mean of `xs`.")
    copy = _current_spec(question)
    assert copy.revision.number == 2 and copy.pk != spec.pk and copy.published_at is not None
    assert copy.revision.prompt == "Return the arithmetic mean of `xs`."


def test_a_browser_posting_back_an_unchanged_seed_question_changes_nothing(manager, organisation):
    """Seed and API content has LF line ends; a browser sends textareas back with CRLF."""
    question = coding_question_create(
        organisation=organisation,
        question={"prompt": "Return the mean of `xs`.\n\nEmpty lists raise.\n", "title": "Mean", "tags": ["python"]},
        code={
            "spec": {"function_name": "mean", "signature": "def mean(xs: list[float]) -> float", "memory_mb": 128}
            | {"cpu_seconds": 1, "wall_seconds": 2},
            "starter_code": "def mean(xs):\n    pass\n",
            "reference_solution": REFERENCE,
            "tests": [TEST_DATA],
        },
    )
    spec = _current_spec(question)
    _publish(spec)
    revisions_lock(revision_ids=[spec.revision_id])
    crlf = {"prompt": "Return the mean of `xs`.\r\n\r\nEmpty lists raise.\r\n", "difficulty": "medium"}
    _edit(manager, question, [{"name": "two", "args": "[[1, 3]]", "expected": "2", "visibility": "sample"}], **crlf)
    assert question.revisions.count() == 1 and _current_spec(question).pk == spec.pk
    assert _current_spec(question).published_at is not None


@pytest.mark.parametrize(
    "change",
    [
        {"tests-1-expected": "1.67"},  # a test
        {"tests-0-visibility": "hidden"},
        {"tests-1-rel_tol": "0.01"},  # its checker's options
        {"tests-3-checker": "float", "tests-3-options": ""},  # its checker
        {"reference_solution": REFERENCE + "# faster\n"},  # the spec
        {"custom_checker_source": "def check(actual, expected):\n    return True\n"},
        {"memory_mb": "256"},
        {"tests-3-DELETE": "on"},
    ],
)
def test_any_edit_of_a_published_spec_tests_or_checker_unpublishes_it(manager, organisation, change):
    question = _create_coding(manager, organisation)
    spec = _current_spec(question)
    _publish(spec)
    revisions_lock(revision_ids=[spec.revision_id])
    page = _edit(manager, question, **change)
    assert "it is unpublished until validated again" in page
    assert _current_spec(question).published_at is None
    assert CodingSpec.objects.get(pk=spec.pk).published_at is not None  # the pinned revision's spec is untouched
    assert _current_spec(question).revision.number == 2


def test_a_new_test_row_is_added_to_the_spec(manager, organisation):
    question = _create_coding(manager, organisation)
    extra = {"name": "four", "args": "[[4]]", "expected": "4"}
    form_tests = [*TESTS, extra]
    _edit(manager, question, form_tests, **{"tests-INITIAL_FORMS": str(len(TESTS))})
    names = list(_current_spec(question).test_cases.order_by("position").values_list("name", flat=True))
    assert names == ["two", "thirds", "empty", "strict", "four"]


def test_publishing_needs_a_passed_validation_of_the_current_content(manager, organisation):
    question = _create_coding(manager, organisation)
    spec = _current_spec(question)
    response = manager.post(f"/manage/questions/{question.pk}/publish/")
    assert response.status_code == 409 and "Validate the question first" in response.content.decode()
    SpecValidation.objects.create(spec=spec, status=ValidationStatus.FAILED, fingerprint=spec_fingerprint(spec))
    assert manager.post(f"/manage/questions/{question.pk}/publish/").status_code == 409
    SpecValidation.objects.create(spec=spec, status=ValidationStatus.PASSED, fingerprint="stale")
    response = manager.post(f"/manage/questions/{question.pk}/publish/")
    assert response.status_code == 409 and "changed since it was validated" in response.content.decode()
    assert _current_spec(question).published_at is None

    SpecValidation.objects.create(spec=spec, status=ValidationStatus.PASSED, fingerprint=spec_fingerprint(spec))
    assert manager.post(f"/manage/questions/{question.pk}/publish/").status_code == 302
    assert _current_spec(question).published_at is not None


def test_validate_queues_a_job_on_the_samples_queue(
    manager, organisation, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(queueing.current_app, "send_task", lambda name, args, queue: sent.append((name, args, queue)))
    question = _create_coding(manager, organisation)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(f"/manage/questions/{question.pk}/validate/")
    validation_row = SpecValidation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/manage/questions/{question.pk}/validation/"
    assert sent == [("grading.tasks.validate_coding_spec", (validation_row.pk,), "samples")]
    page = manager.get(response["Location"])
    assert page.status_code == 200 and page["Refresh"] == "2" and "is running in the sandbox" in page.content.decode()
    assert 'data-testid="no-worker"' not in page.content.decode()
    SpecValidation.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=2))
    assert 'data-testid="no-worker"' in manager.get(response["Location"]).content.decode()


def test_preview_as_a_candidate_shows_samples_but_no_hidden_test_reference_or_notes(manager, organisation):
    question = _create_coding(manager, organisation)
    QuestionRevision.objects.filter(question=question).update(interviewer_notes="SECRET-NOTES")
    SpecTestCase.objects.filter(name="strict").update(name="SECRET-HIDDEN")
    page = manager.get(f"/manage/questions/{question.pk}/preview/").content.decode()
    assert "Return the mean of <code>xs</code>." in page and "def mean(xs: list[float]) -&gt; float" in page
    assert "mean([1, 3])" in page and "1.0 s CPU" in page
    for secret in ("SECRET-NOTES", "SECRET-HIDDEN", "sum(xs) / len(xs)", "ZeroDivisionError"):
        assert secret not in page


def test_the_list_searches_and_filters_by_kind_tag_and_archived(manager, organisation, other_organisation):
    QuestionFactory(organisation=organisation, title="Two sum", kind="coding", tags=["arrays", "python"])
    QuestionFactory(organisation=organisation, title="Tokenisers", tags=["nlp"], revision="Explain byte-pair merges.")
    QuestionFactory(organisation=organisation, title="A conflict", kind="behavioural", tags=["people"])
    QuestionFactory(organisation=organisation, title="Old one", tags=["nlp"], is_archived=True)
    QuestionFactory(organisation=other_organisation, title="Their two sum", kind="coding", tags=["python"])

    def titles(**query) -> list[str]:
        response = manager.get("/manage/questions/", query)
        assert response.status_code == 200
        return [q.title for q in response.context["page"].object_list]

    assert titles() == ["A conflict", "Tokenisers", "Two sum"]
    assert titles(q="byte-pair") == ["Tokenisers"] and titles(q="SUM") == ["Two sum"]
    assert titles(kind="coding") == ["Two sum"] and titles(kind="behavioural") == ["A conflict"]
    assert titles(tag="nlp") == ["Tokenisers"] and titles(tag="python") == ["Two sum"]
    assert titles(tag="nlp", archived="yes") == ["Old one"]
    assert titles(archived="all", tag="nlp") == ["Old one", "Tokenisers"]
    assert titles(tag="not-a-tag") == ["A conflict", "Tokenisers", "Two sum"]  # an unknown filter is ignored


def test_archive_and_restore(manager, organisation):
    question = QuestionFactory(organisation=organisation)
    manager.post(f"/manage/questions/{question.pk}/archive/")
    question.refresh_from_db()
    assert question.is_archived
    manager.post(f"/manage/questions/{question.pk}/archive/")
    question.refresh_from_db()
    assert not question.is_archived


def test_another_organisation_gets_404_and_interviewers_403(client, organisation, other_organisation):
    question = QuestionFactory(organisation=organisation, kind="coding")
    client.force_login(MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user)
    for path in ("", "preview/", "validation/"):
        assert client.get(f"/manage/questions/{question.pk}/{path}").status_code == 404
    for path in ("validate/", "publish/", "archive/"):
        assert client.post(f"/manage/questions/{question.pk}/{path}").status_code == 404
    assert client.post(f"/manage/questions/{question.pk}/", written_form()).status_code == 404
    client.force_login(MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user)
    assert client.get("/manage/questions/").status_code == 403
    assert client.post("/manage/questions/new/?kind=conceptual", written_form()).status_code == 403
    assert Question.objects.count() == 1 and not SpecValidation.objects.exists()


def test_managers_see_questions_in_the_navigation(manager):
    page = manager.get("/manage/questions/").content.decode()
    assert '<a href="/manage/questions/" aria-current="page">Questions</a>' in page

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Question, QuestionKind, QuestionSet, SectionItem
from assessments.services.importing import question_set_import
from rubrics.services.demo import SEED_FILE

pytestmark = pytest.mark.django_db

SEED_SECTIONS = [
    "Basic Technical Questions",
    "Intermediate Technical Questions",
    "Advanced Technical Questions",
    "Behavioral Question",
]


def _items(question_set):
    return list(
        SectionItem.objects.filter(section__question_set=question_set)
        .select_related("section", "question")
        .order_by("section__position", "position")
    )


def test_seed_command_imports_four_sections_and_twenty_questions(organisation, capsys):
    call_command("import_question_set", str(SEED_FILE), "--org", organisation.slug)
    question_set = QuestionSet.objects.get(organisation=organisation)
    assert [s.title for s in question_set.sections.order_by("position")] == SEED_SECTIONS
    items = _items(question_set)
    assert len(items) == 20
    kinds = [item.question.kind for item in items]
    assert kinds.count(QuestionKind.CODING) == 2
    assert kinds.count(QuestionKind.BEHAVIOURAL) == 5
    assert kinds.count(QuestionKind.CONCEPTUAL) == 13
    assert items[0].question.current_revision.prompt.startswith("What is NLP and why is it important?")
    assert items[13].question.current_revision.prompt.startswith("Implement a function in python to perform beam")
    assert "skipped line 3: " in capsys.readouterr().out


def test_reimport_is_idempotent(organisation):
    text = SEED_FILE.read_text()
    first = question_set_import(organisation=organisation, text=text, slug="seed")
    ids = [item.question_id for item in _items(first.question_set)]
    second = question_set_import(organisation=organisation, text=text, slug="seed")
    assert second.unchanged and second.created_questions == 0
    assert [item.question_id for item in _items(second.question_set)] == ids
    assert Question.objects.filter(organisation=organisation).count() == 20
    assert QuestionSet.objects.filter(organisation=organisation).count() == 1


def test_edited_file_reuses_unchanged_questions(organisation):
    question_set_import(organisation=organisation, text="## A\n\n1. One?\n2. Two?\n", slug="s")
    report = question_set_import(organisation=organisation, text="## A\n\n1. One?\n2. Three?\n", slug="s")
    assert not report.unchanged and report.created_questions == 1
    prompts = [item.question.current_revision.prompt for item in _items(report.question_set)]
    assert prompts == ["One?", "Three?"]


@pytest.mark.parametrize(
    ("text", "sections", "count"),
    [
        ("# T\n\n## A\n\n1) x?\n2) y?\n\nSome prose.\n\n### B\n\n- z?\n* w?\n", 2, 4),
        ("**Tech**\n\n1. a?\n\n**Behavioural**\n\n1. Tell me about b.\n", 2, 2),
    ],
)
def test_other_styles_import(organisation, tmp_path, text, sections, count):
    path = tmp_path / "set.md"
    path.write_text(text)
    call_command("import_question_set", str(path), "--org", organisation.slug, "--slug", "styles")
    question_set = QuestionSet.objects.get(slug="styles")
    assert question_set.sections.count() == sections
    assert len(_items(question_set)) == count


def test_file_without_questions_is_a_clear_error(organisation, tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("# Just a title\n\nSome prose.\n")
    with pytest.raises(CommandError, match="no questions found"):
        call_command("import_question_set", str(path), "--org", organisation.slug)
    assert not QuestionSet.objects.exists()


def test_unknown_org_and_missing_file_are_clear_errors(organisation, tmp_path):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("import_question_set", str(SEED_FILE), "--org", "nope")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_question_set", str(tmp_path / "missing.md"), "--org", organisation.slug)


def test_import_api_reports_and_rejects_empty(manager_client):
    ok = manager_client.post("/api/v1/question-sets/import/", {"markdown": SEED_FILE.read_text()}, format="json")
    assert ok.status_code == 201
    assert ok.json()["questions"] == 20 and len(ok.json()["question_set"]["sections"]) == 4
    again = manager_client.post("/api/v1/question-sets/import/", {"markdown": SEED_FILE.read_text()}, format="json")
    assert again.status_code == 200 and again.json()["unchanged"] is True
    bad = manager_client.post("/api/v1/question-sets/import/", {"markdown": "just prose"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "no_questions"

"""The import page: paste or upload Markdown; the job's page shows its status until done, then the set or the error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import ImportJob, ImportJobStatus, QuestionSet
from assessments.tasks import run_import_job
from organisations.models import Role
from tests.assessments.test_import_jobs import SMALL, large_document, sent  # noqa: F401 - the captured tasks
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NEW = "/manage/question-sets/import/"


@pytest.fixture
def manager(client, organisation):
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    return client


def _job_page(manager, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == f"/manage/question-sets/imports/{job.pk}/"
    return job, manager.get(response["Location"])


def test_a_small_paste_is_imported_at_once_and_shown(manager, sent):  # noqa: F811
    form = manager.get(NEW)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    job, page = _job_page(manager, manager.post(NEW, {"markdown": SMALL, "slug": "screen"}))
    assert job.status == ImportJobStatus.SUCCEEDED and sent == []
    html = page.content.decode()
    assert "Succeeded" in html and "Screen" in html and "2 questions" in html
    assert not page.has_header("Refresh")
    assert QuestionSet.objects.get(slug="screen") == job.question_set
    assert job.created_by_id == int(manager.session["_auth_user_id"])


def test_a_large_paste_is_a_job_whose_page_refreshes_until_done(
    manager, sent, settings, django_capture_on_commit_callbacks,  # noqa: F811
):  # fmt: skip
    settings.IMPORT_INLINE_MAX_CHARS = 200
    with django_capture_on_commit_callbacks(execute=True):
        job, page = _job_page(manager, manager.post(NEW, {"markdown": large_document(6)}))
    assert sent == [("assessments.tasks.run_import_job", (job.pk,))]
    assert (
        page["Refresh"] == "2"
        and "Queued" in page.content.decode()
        and "refreshes every 2 seconds" in page.content.decode()
    )
    assert not QuestionSet.objects.exists()
    run_import_job.apply(args=(job.pk,))
    done = manager.get(f"/manage/question-sets/imports/{job.pk}/")
    assert not done.has_header("Refresh")
    html = done.content.decode()
    assert "Succeeded" in html and "Big screen" in html and "6 questions" in html
    assert f'href="/api/v1/question-sets/{QuestionSet.objects.get().pk}/"' in html
    assert f"/manage/question-sets/imports/{job.pk}/" in manager.get(NEW).content.decode()  # listed as recent


def test_an_uploaded_file_is_imported(manager, sent):  # noqa: F811
    upload = SimpleUploadedFile("screen.md", ("\ufeff" + SMALL).encode(), content_type="text/markdown")
    job, page = _job_page(manager, manager.post(NEW, {"file": upload}))
    assert job.status == ImportJobStatus.SUCCEEDED and job.question_set.title == "Screen"
    assert "Screen" in page.content.decode()


def test_a_document_without_questions_shows_the_error(manager, sent):  # noqa: F811
    job, page = _job_page(manager, manager.post(NEW, {"markdown": "Only prose here."}))
    assert job.status == ImportJobStatus.FAILED and job.error["code"] == "no_questions"
    html = page.content.decode()
    assert "The import failed" in html and "no questions found" in html and "Nothing was imported" in html
    assert not QuestionSet.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"markdown": "   "},
        {"markdown": SMALL, "file": "both"},
        {"file": "latin-1"},
        {"file": "nul"},
        {"markdown": "1. x?\n" * 100_000},
    ],
)
def test_a_form_without_one_readable_document_is_refused(manager, data):
    files = {
        "both": SimpleUploadedFile("a.md", SMALL.encode()),
        "latin-1": SimpleUploadedFile("a.md", "# Café\n\n1. Où?\n".encode("latin-1")),
        "nul": SimpleUploadedFile("a.md", b"1. a\x00b?\n"),
    }
    if "file" in data:
        data = {**data, "file": files[data["file"]]}
    response = manager.post(NEW, data)
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not ImportJob.objects.exists()


def test_another_organisations_job_is_not_found(client, organisation, other_organisation, manager, sent):  # noqa: F811
    job, _ = _job_page(manager, manager.post(NEW, {"markdown": SMALL}))
    client.force_login(MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user)
    assert client.get(f"/manage/question-sets/imports/{job.pk}/").status_code == 404
    assert f"imports/{job.pk}/" not in client.get(NEW).content.decode()


def test_the_loops_page_links_to_the_import(manager):
    assert f'href="{NEW}"' in manager.get("/manage/loops/").content.decode()


PREVIEWED = "# Screen\n\n## Basics\n\n1. What is a token?\n2. Implement a function `f(x)`.\n\nSome prose.\n"


def test_a_preview_shows_what_will_be_created_and_saves_nothing(manager, sent):  # noqa: F811
    upload = SimpleUploadedFile("set.md", PREVIEWED.encode(), content_type="text/markdown")
    response = manager.post(NEW, {"file": upload, "action": "preview"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-preview-result"' in page
    assert "2 questions" in page and "Basics" in page and "What is a token?" in page
    assert "conceptual · line 5" in page and "coding · line 6" in page  # each question's kind, as it will be stored
    assert "skipped" in page and "Some prose." in page
    assert "Implement a function `f(x)`." in page.split("<textarea")[1]  # the uploaded document, back to import
    assert not QuestionSet.objects.exists() and not ImportJob.objects.exists() and sent == []
    manager.post(NEW, {"markdown": PREVIEWED, "action": "import"})
    assert QuestionSet.objects.get().title == "Screen"


def test_a_preview_of_a_document_without_questions_says_so(manager):
    response = manager.post(NEW, {"markdown": "# Just a title\n\nProse only.\n", "action": "preview"})
    assert response.status_code == 200 and "no questions" in response.content.decode().lower()
    assert not QuestionSet.objects.exists()

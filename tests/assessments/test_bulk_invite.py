"""Bulk invite: a CSV file on a page with a preview (nothing created before confirming), and the same through
``POST /api/v1/invitations/bulk/``: per-row results, de-duplication by e-mail, existing candidates reused."""

import codecs
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Candidate, Invitation, QuestionSet, Section, SectionItem
from assessments.services.bulk_invitations import BULK_INVITE_MAX_ROWS, BulkRow
from assessments.services.invitations import invitation_create
from manage.csv_rows import CSV_MAX_BYTES, CsvFileError, read_people
from organisations.models import Role
from tests.factories import CandidateFactory, MembershipFactory, OrganisationFactory, QuestionFactory, assessment_stage

pytestmark = pytest.mark.django_db

LATER = "2099-01-01T00:00:00Z"


# --- reading the file ------------------------------------------------------------------------------


def test_a_header_names_the_columns_in_any_order_case_and_separator():
    utf8 = codecs.BOM_UTF8 + b"External ID,E-mail,Name\ngh-1,ada@example.com,Ada Lovelace\n"
    assert read_people(utf8) == [BulkRow(2, "Ada Lovelace", "ada@example.com", "gh-1")]
    semicolons = b"First name;Last name;Email address\n\nAlan;Turing;alan@example.com\n"
    assert read_people(semicolons) == [BulkRow(3, "Alan Turing", "alan@example.com", "")]
    tabs = b"name\temail\n Grace Hopper \t grace@example.com \n"
    assert read_people(tabs) == [BulkRow(2, "Grace Hopper", "grace@example.com", "")]


def test_without_a_header_the_columns_are_name_email_external_id():
    text = b'"Lovelace, Ada",ada@example.com,gh-1\r\nAlan Turing,alan@example.com\r\n'
    assert read_people(text) == [
        BulkRow(1, "Lovelace, Ada", "ada@example.com", "gh-1"),
        BulkRow(2, "Alan Turing", "alan@example.com", ""),
    ]


def test_excel_s_encodings_are_read():
    windows = "name,email\nJosé Núñez,jose@example.com\n".encode("cp1252")
    assert read_people(windows)[0].name == "José Núñez"
    utf16 = "name,email\nZoë,zoe@example.com\n".encode("utf-16")
    assert read_people(utf16)[0].name == "Zoë"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "lists nobody"),
        (b"\n\n ,, \n", "lists nobody"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet workbook"),
        (b"name,email\nA\x00,a@example.com\n", "NUL"),
        (b"name,email\n\x81\x8d\x8f\x90\x9d\n", "not text"),
        (b"email,phone\na@example.com,1\n", "no name column"),
        (b"x" * (CSV_MAX_BYTES + 1), "limit"),
        ("".join(f"P{n},p{n}@example.com\n" for n in range(BULK_INVITE_MAX_ROWS + 1)).encode(), "split it"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data, message):
    with pytest.raises(CsvFileError, match=message):
        read_people(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_any_bytes_are_people_or_a_csv_file_error(data):
    try:
        people = read_people(data)
    except CsvFileError as exc:
        assert str(exc)
    else:
        assert people and all(isinstance(person, BulkRow) for person in people)


# --- the page --------------------------------------------------------------------------------------


def _set(organisation):
    question_set = QuestionSet.objects.create(organisation=organisation, title="Concepts", slug="concepts")
    section = Section.objects.create(question_set=question_set, title="Concepts", position=1)
    SectionItem.objects.create(section=section, question=QuestionFactory(organisation=organisation), position=1)
    return question_set


@pytest.fixture
def stage(organisation):
    return assessment_stage(_set(organisation), duration_minutes=50)


@pytest.fixture
def people(organisation, stage):
    """Ada exists; Grace exists and already holds an invitation to the stage."""
    ada = CandidateFactory(organisation=organisation, name="Ada", email="ada@example.com")
    grace = CandidateFactory(organisation=organisation, name="Grace", email="grace@example.com")
    invitation_create(organisation=organisation, candidate=grace, stage=stage, expires_at=timezone.now() + timedelta(1))
    return {"ada": ada, "grace": grace}


CSV = (
    b"name,email,external id\n"
    b"Ada L.,ADA@example.com,\n"  # 2: existing, reused
    b"Alan Turing,alan@example.com,gh-2\n"  # 3: new
    b"Alan again,Alan@Example.com,\n"  # 4: the same e-mail as line 3
    b"Nobody,not-an-email,\n"  # 5: an error
    b"Grace H.,grace@example.com,\n"  # 6: already invited to the stage
)


@pytest.fixture
def manager(client, organisation):
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    return client


def _upload(client, stage, data=CSV, **extra):
    form = {"stage": stage.pk, "days_open": 5, "duration_minutes": "", **extra}
    form["file"] = SimpleUploadedFile("people.csv", data, content_type="text/csv")
    return client.post("/manage/invitations/bulk/", form)


def _actions(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-row="(\d+)" data-action="(\w+)"', html))


def test_the_preview_shows_each_row_and_creates_nothing(manager, stage, people):
    before = (Candidate.objects.count(), Invitation.objects.count())
    response = _upload(manager, stage)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="bulk-preview"' in html
    assert _actions(html) == {"2": "invite", "3": "invite", "4": "duplicate", "5": "error", "6": "already_invited"}
    assert "existing candidate" in html and "new candidate" in html and "is not an e-mail address" in html
    assert "Will invite <strong>2</strong> (1 new candidate, 1 existing reused)" in html
    assert (Candidate.objects.count(), Invitation.objects.count()) == before


def test_confirming_invites_what_the_preview_said_and_twice_invites_nobody_twice(manager, stage, people):
    token = re.search(r'name="token" value="([^"]+)"', _upload(manager, stage).content.decode()).group(1)
    done = manager.post("/manage/invitations/bulk/", {"token": token})
    assert done.status_code == 200 and 'data-testid="bulk-result"' in done.content.decode()
    invited = Invitation.objects.filter(stage=stage).exclude(candidate=people["grace"])
    assert sorted(invitation.candidate.email for invitation in invited) == ["ada@example.com", "alan@example.com"]
    assert all(invitation.duration_minutes == 50 for invitation in invited)
    assert Candidate.objects.get(email="alan@example.com").external_id == "gh-2"
    assert Candidate.objects.count() == 3  # Ada, Grace and Alan: no duplicate
    for invitation in invited:
        assert f"/take/{invitation.token}/" in done.content.decode()
    again = manager.post("/manage/invitations/bulk/", {"token": token})  # a double click, or the back button
    assert set(_actions(again.content.decode()).values()) == {"already_invited", "duplicate", "error"}
    assert Invitation.objects.count() == 3


@pytest.mark.parametrize("token", ["", "forged", "eyJ4IjoxfQ:1tZ:bad"])
def test_a_forged_or_stale_confirmation_is_a_clear_400_and_creates_nothing(manager, stage, token):
    response = manager.post("/manage/invitations/bulk/", {"token": token})
    assert response.status_code == 400 and "upload the file again" in response.content.decode()
    assert not Invitation.objects.exists()


def test_another_organisation_s_preview_cannot_be_confirmed(manager, stage, people):
    other = OrganisationFactory()
    other_stage = assessment_stage(_set(other))
    theirs = MembershipFactory(organisation=other, role=Role.HIRING_MANAGER).user
    manager.force_login(theirs)
    token = re.search(r'name="token" value="([^"]+)"', _upload(manager, other_stage).content.decode()).group(1)
    manager.force_login(MembershipFactory(organisation=stage.loop.organisation, role=Role.HIRING_MANAGER).user)
    response = manager.post("/manage/invitations/bulk/", {"token": token})
    assert response.status_code == 400 and not Invitation.objects.filter(stage=other_stage).exists()


@pytest.mark.parametrize(
    "data", [b"\x81\x8d\x8f\x90", b"PK\x03\x04", b"", b"x" * (CSV_MAX_BYTES + 10), b"\xff\xfe\x00\xd8"]
)
def test_a_bad_file_is_a_400_with_the_reason_never_a_500(manager, stage, data):
    response = _upload(manager, stage, data=data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()  # the file's field, or the whole form's
    assert not Invitation.objects.exists()


def test_the_page_refuses_a_stage_that_cannot_take_invitations(manager, organisation, stage):
    stage.loop.is_archived = True
    stage.loop.save(update_fields=["is_archived"])
    response = _upload(manager, stage)
    assert response.status_code == 400 and not Invitation.objects.exists()


# --- the API ---------------------------------------------------------------------------------------


ROWS = [
    {"name": "Ada L.", "email": "ADA@example.com"},
    {"name": "Alan Turing", "email": "alan@example.com", "external_id": "gh-2"},
    {"name": "Alan again", "email": "alan@EXAMPLE.com"},
    {"name": "Grace H.", "email": "grace@example.com"},
]


def test_a_dry_run_answers_each_row_and_creates_nothing(manager_client, stage, people):
    body = {"stage_id": stage.pk, "expires_at": LATER, "rows": ROWS, "dry_run": True}
    response = manager_client.post("/api/v1/invitations/bulk/", body, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["dry_run"] is True
    assert answer["counts"] == {"invite": 2, "duplicate": 1, "already_invited": 1, "error": 0}
    rows = answer["rows"]
    assert [row["action"] for row in rows] == ["invite", "invite", "duplicate", "already_invited"]
    assert (rows[0]["candidate_id"], rows[0]["new_candidate"]) == (people["ada"].pk, False)
    assert (rows[1]["candidate_id"], rows[1]["new_candidate"], rows[1]["invitation"]) == (None, True, None)
    assert rows[2]["duplicate_of"] == 2
    assert Invitation.objects.count() == 1 and Candidate.objects.count() == 2


def test_the_bulk_invites_answer_the_invitations_and_a_resend_invites_nobody_twice(manager_client, stage, people):
    body = {"stage_id": stage.pk, "expires_at": LATER, "rows": ROWS}
    response = manager_client.post("/api/v1/invitations/bulk/", body, format="json")
    assert response.status_code == 201, response.json()
    rows = response.json()["rows"]
    assert rows[0]["invitation"]["candidate_id"] == people["ada"].pk and rows[0]["invitation"]["stage_id"] == stage.pk
    assert rows[1]["invitation"]["url"].startswith("http") and rows[1]["candidate_id"]
    assert rows[1]["invitation"]["duration_minutes"] == 50
    assert Invitation.objects.count() == 3 and Candidate.objects.count() == 3
    again = manager_client.post("/api/v1/invitations/bulk/", body, format="json")
    assert again.json()["counts"] == {"invite": 0, "duplicate": 1, "already_invited": 3, "error": 0}
    assert Invitation.objects.count() == 3


def test_an_idempotency_key_replays_the_first_answer(manager_client, stage):
    body = {"stage_id": stage.pk, "expires_at": LATER, "rows": ROWS[1:2]}
    first = manager_client.post("/api/v1/invitations/bulk/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    replay = manager_client.post("/api/v1/invitations/bulk/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json() and Invitation.objects.count() == 1


def test_rows_with_errors_refuse_the_whole_batch_and_name_each_row(manager_client, stage):
    rows = [*ROWS[1:2], {"name": "", "email": "x@example.com"}, {"name": "Bad", "email": "not-an-email"}]
    response = manager_client.post(
        "/api/v1/invitations/bulk/", {"stage_id": stage.pk, "expires_at": LATER, "rows": rows}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_rows"
    assert [(row["row"], row["email"]) for row in error["details"]["rows"]] == [
        (2, "x@example.com"),
        (3, "not-an-email"),
    ]
    assert "The name is empty." in error["details"]["rows"][0]["problems"]
    assert not Invitation.objects.exists() and not Candidate.objects.exists()


def test_too_many_rows_is_a_413_and_a_missing_stage_a_400(manager_client, stage):
    rows = [{"name": f"P{n}", "email": f"p{n}@example.com"} for n in range(BULK_INVITE_MAX_ROWS + 1)]
    big = manager_client.post(
        "/api/v1/invitations/bulk/", {"stage_id": stage.pk, "expires_at": LATER, "rows": rows}, format="json"
    )
    assert big.status_code == 413
    assert big.json()["error"]["details"] == {
        "size": BULK_INVITE_MAX_ROWS + 1,
        "limit": BULK_INVITE_MAX_ROWS,
        "unit": "rows",
    }
    stageless = manager_client.post("/api/v1/invitations/bulk/", {"expires_at": LATER, "rows": ROWS}, format="json")
    assert stageless.status_code == 400 and "stage_id" in stageless.json()["error"]["details"]
    assert not Invitation.objects.exists()


def test_interviewers_cannot_bulk_invite(interviewer_client, stage):
    body = {"stage_id": stage.pk, "expires_at": LATER, "rows": ROWS}
    assert interviewer_client.post("/api/v1/invitations/bulk/", body, format="json").status_code == 403
    assert not Invitation.objects.exists()

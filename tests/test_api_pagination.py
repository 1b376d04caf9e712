"""Cursor pagination, updated_since and list filters: what an ATS syncing thousands of rows relies on."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Attempt, AttemptStatus, Candidate, Invitation, QuestionSet
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def _ids(pages):
    return [row["id"] for page in pages for row in page["results"]]


def _all_pages(client, url):
    pages = [client.get(url).json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    return pages


@pytest.fixture
def candidates(organisation):
    return [CandidateFactory(organisation=organisation) for _ in range(7)]


def test_pages_cover_every_row_once_oldest_change_first(manager_client, candidates):
    pages = _all_pages(manager_client, "/api/v1/candidates/?limit=3")
    assert [len(page["results"]) for page in pages] == [3, 3, 1]
    assert _ids(pages) == [c.pk for c in sorted(candidates, key=lambda c: (c.updated_at, c.pk))]
    assert pages[-1]["next_cursor"] is None and pages[-1]["next"] is None
    assert pages[0]["next_cursor"] and f"cursor={pages[0]['next_cursor']}" in pages[0]["next"]


def test_rows_with_equal_timestamps_are_ordered_by_id_and_never_skipped(manager_client, candidates):
    Candidate.objects.update(updated_at=timezone.now())
    pages = _all_pages(manager_client, "/api/v1/candidates/?limit=2")
    assert _ids(pages) == sorted(c.pk for c in candidates)


def test_a_row_changed_while_paging_moves_to_the_end_and_is_not_lost(manager_client, candidates):
    first = manager_client.get("/api/v1/candidates/?limit=3").json()
    seen = [row["id"] for row in first["results"]]
    changed_early, changed_late = Candidate.objects.get(pk=seen[0]), candidates[-1]
    for candidate in (changed_early, changed_late):
        candidate.name = "Renamed"
        candidate.save()
    rest = _all_pages(manager_client, f"/api/v1/candidates/?limit=3&cursor={first['next_cursor']}")
    later = _ids(rest)
    assert set(seen) | set(later) == {c.pk for c in candidates}
    assert later[-2:] == [changed_early.pk, changed_late.pk]


def test_updated_since_returns_only_later_changes(manager_client, candidates):
    cutoff = timezone.now()
    Candidate.objects.filter(pk__in=[candidates[1].pk, candidates[4].pk]).update(
        updated_at=cutoff + timedelta(seconds=1)
    )
    since = (cutoff + timedelta(microseconds=1)).isoformat()
    response = manager_client.get("/api/v1/candidates/", {"updated_since": since})
    assert [row["id"] for row in response.json()["results"]] == [candidates[1].pk, candidates[4].pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=201", "limit"), ("limit=x", "limit"), ("updated_since=yesterday", "updated_since")],
)
def test_bad_list_parameters_are_a_400_naming_the_field(manager_client, candidates, query, field):
    response = manager_client.get(f"/api/v1/candidates/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["details"]


@pytest.mark.parametrize(
    "cursor", ["not-base64!", "e30", "eyJ1IjoieCIsImkiOjF9", "eyJ1IjoiMjAyNi0wMS0wMVQwMDowMDowMCIsImkiOjF9"]
)
def test_a_cursor_not_given_out_by_the_api_is_a_clear_400(manager_client, candidates, cursor):
    response = manager_client.get("/api/v1/candidates/", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_candidates_filter_by_external_id_and_email(manager_client, organisation):
    ana = CandidateFactory(organisation=organisation, external_id="gh-1", email="Ana@Example.test")
    CandidateFactory(organisation=organisation, external_id="gh-2")
    assert [r["id"] for r in manager_client.get("/api/v1/candidates/?external_id=gh-1").json()["results"]] == [ana.pk]
    nobody = manager_client.get("/api/v1/candidates/?external_id=gh-99").json()
    assert nobody == {"results": [], "next_cursor": None, "next": None}
    by_email = manager_client.get("/api/v1/candidates/", {"email": "ana@example.TEST"}).json()["results"]
    assert [r["id"] for r in by_email] == [ana.pk]


# --- attempts and invitations: filters and query counts -------------------------------------------


def _invitation(organisation, question_set, **extra):
    now = timezone.now()
    fields = {"opens_at": now - timedelta(hours=1), "expires_at": now + timedelta(days=1), **extra}
    return Invitation.objects.create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        question_set=question_set,
        duration_minutes=30,
        **fields,
    )


def _attempt(invitation, status):
    now = timezone.now()
    submitted = None if status == AttemptStatus.IN_PROGRESS else now
    return Attempt.objects.create(
        organisation=invitation.organisation,
        invitation=invitation,
        status=status,
        started_at=now - timedelta(minutes=5),
        deadline=now + timedelta(minutes=25),
        submitted_at=submitted,
    )


@pytest.fixture
def question_set(organisation):
    return QuestionSet.objects.create(organisation=organisation, title="Screen", slug="screen")


def _populate(organisation, question_set, n):
    for i in range(n):
        status = [AttemptStatus.IN_PROGRESS, AttemptStatus.SUBMITTED, AttemptStatus.GRADED][i % 3]
        _attempt(_invitation(organisation, question_set), status)


def test_attempts_filter_by_status_and_candidate(manager_client, organisation, question_set):
    _populate(organisation, question_set, 6)
    graded = manager_client.get("/api/v1/attempts/?status=graded").json()["results"]
    assert len(graded) == 2 and {row["status"] for row in graded} == {"graded"}
    one = Attempt.objects.first()
    by_candidate = manager_client.get(f"/api/v1/attempts/?candidate_id={one.invitation.candidate_id}").json()
    assert [row["id"] for row in by_candidate["results"]] == [one.pk]
    assert manager_client.get("/api/v1/attempts/?status=lost").status_code == 400


def test_invitations_filter_by_link_state(manager_client, organisation, question_set):
    now = timezone.now()
    expected = {
        "open": _invitation(organisation, question_set),
        "not_open": _invitation(organisation, question_set, opens_at=now + timedelta(hours=1)),
        "expired": _invitation(
            organisation, question_set, opens_at=now - timedelta(days=2), expires_at=now - timedelta(days=1)
        ),
        "revoked": _invitation(organisation, question_set, revoked_at=now),
    }
    expected["started"] = _attempt(_invitation(organisation, question_set), AttemptStatus.IN_PROGRESS).invitation
    for state, invitation in expected.items():
        rows = manager_client.get(f"/api/v1/invitations/?state={state}").json()["results"]
        assert [(row["id"], row["state"]) for row in rows] == [(invitation.pk, state)]


@pytest.mark.parametrize("route", ["/api/v1/attempts/", "/api/v1/invitations/", "/api/v1/candidates/"])
def test_query_count_does_not_grow_with_page_size(manager_client, organisation, question_set, route):
    def queries(limit):
        with CaptureQueriesContext(connection) as captured:
            response = manager_client.get(route, {"limit": limit})
        assert len(response.json()["results"]) == limit
        return len(captured)

    _populate(organisation, question_set, 40)
    assert queries(2) == queries(40)

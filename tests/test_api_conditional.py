"""Conditional GET on the reads an ATS polls: ETag and Last-Modified on the 200, 304 while nothing changed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.test import APIRequestFactory

from api import conditional
from assessments.models import Attempt, Candidate, Invitation
from assessments.services.answers import attempt_submit
from assessments.services.attempts import attempt_start
from assessments.services.candidates import candidate_update
from assessments.services.importing import question_set_import
from assessments.services.invitations import invitation_create, invitation_extend
from tests.factories import CandidateFactory, assessment_stage

pytestmark = pytest.mark.django_db

SET_MD = "# Screen\n\n## Basics\n\n1. What is a token?\n"
LONG_AGO = timedelta(minutes=5)


@pytest.fixture
def invitation(organisation):
    question_set = question_set_import(organisation=organisation, text=SET_MD, slug="screen").question_set
    return invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        stage=assessment_stage(question_set),
        duration_minutes=30,
        expires_at=timezone.now() + timedelta(days=2),
    )


@pytest.fixture
def attempt(invitation):
    return attempt_start(invitation=invitation)


def _settle(model, pk, by=LONG_AGO):
    """As if the row had last changed ``by`` ago (long enough for Last-Modified to be sent)."""
    moment = timezone.now() - by
    model.objects.filter(pk=pk).update(updated_at=moment)
    return moment


def _get(client, url, **headers):
    return client.get(url, headers=headers)


def _conditional_cycle(client, url, change):
    """200 with an ETag; 304 with no body for it; after ``change``, 200 with another ETag."""
    first = _get(client, url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"') and first.headers["Cache-Control"] == "private, no-cache"
    again = _get(client, url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag and "RateLimit-Limit" in again.headers
    assert _get(client, url, **{"If-None-Match": f'"stale", {etag.removeprefix("W/")}'}).status_code == 304
    assert _get(client, url, **{"If-None-Match": "*"}).status_code == 304
    change()
    changed = _get(client, url, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json() != first.json()
    return changed


def test_attempt_detail_answers_304_until_the_attempt_is_submitted(manager_client, attempt):
    _conditional_cycle(manager_client, f"/api/v1/attempts/{attempt.pk}/", lambda: attempt_submit(attempt=attempt))


def test_attempt_result_answers_304_until_the_attempt_changes_with_an_etag_only(manager_client, attempt):
    url = f"/api/v1/attempts/{attempt.pk}/result/"
    changed = _conditional_cycle(manager_client, url, lambda: attempt_submit(attempt=attempt))
    assert changed.json()["complete"] is True  # written answers only: graded on submission
    assert "Last-Modified" not in changed.headers  # read from many rows: the body's hash is the only validator


def test_invitation_detail_answers_304_until_it_is_extended(manager_client, invitation):
    later = invitation.expires_at + timedelta(days=1)
    url = f"/api/v1/invitations/{invitation.pk}/"
    _conditional_cycle(manager_client, url, lambda: invitation_extend(invitation=invitation, expires_at=later))


def test_candidate_detail_answers_304_until_the_candidate_is_renamed(manager_client, organisation):
    candidate = CandidateFactory(organisation=organisation)
    url = f"/api/v1/candidates/{candidate.pk}/"
    _conditional_cycle(manager_client, url, lambda: candidate_update(candidate=candidate, name="Renamed"))


# --- Last-Modified -------------------------------------------------------------------------------------


def test_last_modified_is_the_row_s_updated_at_and_answers_if_modified_since(manager_client, organisation):
    candidate = CandidateFactory(organisation=organisation)
    changed_at = _settle(Candidate, candidate.pk)
    url = f"/api/v1/candidates/{candidate.pk}/"
    response = _get(manager_client, url)
    assert response.headers["Last-Modified"] == http_date(changed_at.timestamp())
    since = response.headers["Last-Modified"]
    assert _get(manager_client, url, **{"If-Modified-Since": since}).status_code == 304
    earlier = http_date((changed_at - timedelta(seconds=1)).timestamp())
    assert _get(manager_client, url, **{"If-Modified-Since": earlier}).status_code == 200
    # If-None-Match decides alone when sent: a stale ETag is a 200 whatever the date says.
    assert _get(manager_client, url, **{"If-None-Match": '"stale"', "If-Modified-Since": since}).status_code == 200

    candidate_update(candidate=candidate, name="Renamed")
    after = _get(manager_client, url, **{"If-Modified-Since": since})
    assert after.status_code == 200 and after.json()["name"] == "Renamed"
    assert "Last-Modified" not in after.headers  # changed just now: not sent until it has settled


@pytest.mark.parametrize("since", ["yesterday", "", "Thu, 01 Jan 2099 00:00:00 GMT"])
def test_an_unusable_if_modified_since_is_ignored(manager_client, organisation, since):
    candidate = CandidateFactory(organisation=organisation)
    _settle(Candidate, candidate.pk)
    response = _get(manager_client, f"/api/v1/candidates/{candidate.pk}/", **{"If-Modified-Since": since})
    assert response.status_code == 200


def test_attempt_last_modified_moves_with_its_status(manager_client, attempt):
    changed_at = _settle(Attempt, attempt.pk)
    url = f"/api/v1/attempts/{attempt.pk}/"
    since = _get(manager_client, url).headers["Last-Modified"]
    assert since == http_date(changed_at.timestamp())
    assert _get(manager_client, url, **{"If-Modified-Since": since}).status_code == 304
    attempt_submit(attempt=attempt)
    assert _get(manager_client, url, **{"If-Modified-Since": since}).status_code == 200


def test_invitation_last_modified_counts_its_expiry_before_the_sweep_touches_it(manager_client, invitation):
    """The link's state turns to expired at expires_at, with no row change until the sweep runs."""
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        opens_at=now - timedelta(days=3), expires_at=now - timedelta(minutes=1), updated_at=now - timedelta(days=2)
    )
    invitation.refresh_from_db()
    url = f"/api/v1/invitations/{invitation.pk}/"
    response = _get(manager_client, url)
    assert response.json()["state"] == "expired"
    assert response.headers["Last-Modified"] == http_date(invitation.expires_at.timestamp())
    before_expiry = http_date(invitation.updated_at.timestamp())
    assert _get(manager_client, url, **{"If-Modified-Since": before_expiry}).status_code == 200
    assert _get(manager_client, url, **{"If-Modified-Since": response.headers["Last-Modified"]}).status_code == 304


def test_invitation_last_modified_follows_its_attempt(manager_client, attempt):
    invitation_changed = _settle(Invitation, attempt.invitation_id, by=timedelta(hours=1))
    Invitation.objects.filter(pk=attempt.invitation_id).update(opens_at=invitation_changed)
    attempt_changed = _settle(Attempt, attempt.pk)
    response = _get(manager_client, f"/api/v1/invitations/{attempt.invitation_id}/")
    assert attempt_changed > invitation_changed
    assert response.headers["Last-Modified"] == http_date(attempt_changed.timestamp())


# --- the helpers ---------------------------------------------------------------------------------------


def test_settled_holds_back_a_change_younger_than_settle():
    now = timezone.now()
    assert conditional.settled(now - conditional.SETTLE, now) == now - conditional.SETTLE
    assert conditional.settled(now - conditional.SETTLE + timedelta(milliseconds=1), now) is None
    assert conditional.settled(None, now) is None


def test_the_etag_depends_on_the_data_and_the_media_type():
    one = conditional.data_etag({"id": 1}, media_type="application/json")
    assert one == conditional.data_etag({"id": 1}, media_type="application/json")
    assert one != conditional.data_etag({"id": 2}, media_type="application/json")
    assert one != conditional.data_etag({"id": 1}, media_type="text/html")


@pytest.mark.parametrize(
    ("header", "matches"),
    [('W/"abc"', True), ('"abc"', True), ('"x", W/"abc"', True), ("*", True), ('"abcd"', False), ("abc", False)],
)
def test_if_none_match_uses_the_weak_comparison(header, matches):
    assert conditional.etag_matches(header, 'W/"abc"') is matches


def test_a_request_without_validators_is_never_not_modified():
    request = APIRequestFactory().get("/")
    assert not conditional.not_modified(request, etag='W/"abc"', last_modified=timezone.now() - LONG_AGO)

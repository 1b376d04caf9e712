"""Every URL the platform hands out about an attempt opens that attempt, fetched as its reader would fetch it.

The API result's ``report_url``, Greenhouse's ``partner_profile_url`` and the webhooks' ``report_url`` are
pages: a signed-in hiring manager (here one who belongs to two organisations, the harder case) follows
each and finds the attempt's candidate and the attempt itself. The webhooks' API links are fetched with
an API key and answer the attempt. An invitation made before invitations named a stage opens too.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Invitation
from assessments.services.answers import attempt_submit
from assessments.services.attempts import attempt_start
from integrations.greenhouse import services as greenhouse
from integrations.models import WebhookEvent
from integrations.services.api_keys import api_key_create
from organisations.models import Role
from tests.factories import CandidateFactory, MembershipFactory, OrganisationFactory, assessment_stage

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def reader(client, organisation):
    """A hiring manager of this organisation and of another: every page link must say which one it is about."""
    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user
    MembershipFactory(organisation=OrganisationFactory(), role=Role.ADMIN, user=manager)
    client.force_login(manager)
    return client


@pytest.fixture
def key_client(organisation):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key " + api_key_create(organisation=organisation, name="ATS")[1])
    return client


def assert_opens_the_attempt(reader, url: str, attempt) -> str:
    page = reader.get(path_of(url), follow=True)
    assert page.status_code == 200, url
    html = page.content.decode()
    assert attempt.invitation.candidate.name in html and f'id="attempt-{attempt.pk}"' in html, url
    return html


def names_attempt(body: dict, pk: int) -> bool:
    """The attempt (``id``), its result (``attempt_id``) or its invitation (``attempt.id``)."""
    return pk in (
        body.get("attempt_id"),
        (body.get("attempt") or {}).get("id"),
        body.get("id") if "status" in body else None,
    )


def graded(invitation: Invitation):
    attempt = attempt_start(invitation=invitation)
    attempt_submit(attempt=attempt)  # one written question: graded at once, no sandbox
    attempt.refresh_from_db()
    assert attempt.status == "graded"
    return attempt


def test_every_url_about_an_attempt_opens_it(
    organisation, question_set, endpoint, sent, reader, key_client, monkeypatch
):
    monkeypatch.setattr(greenhouse.GREENHOUSE_CALLBACKS, "enqueue", lambda pk, countdown=None: None)
    stage = assessment_stage(question_set)
    interview = greenhouse.send_test(
        organisation=organisation,
        partner_test_id=f"stage-{stage.pk}",
        candidate={"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
        callback_url="https://app.greenhouse.io/cb/1",
    )
    attempt = graded(interview.invitation)

    pages = {
        "API report_url": key_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()["report_url"],
        "Greenhouse partner_profile_url": greenhouse.test_status(interview=interview)["partner_profile_url"],
    }
    attempt_events = WebhookEvent.objects.filter(payload__type__startswith="attempt.")
    assert {event.payload["type"] for event in attempt_events} == {
        "attempt.started",
        "attempt.submitted",
        "attempt.graded",
    }
    for event in attempt_events:
        pages[f"webhook {event.payload['type']} report_url"] = event.payload["data"]["report_url"]
        for name in ("attempt_url", "result_url", "invitation_url"):
            answer = key_client.get(path_of(event.payload["data"][name]))
            assert answer.status_code == 200 and names_attempt(answer.json(), attempt.pk), name
    for name, url in pages.items():
        html = assert_opens_the_attempt(reader, url, attempt)
        assert stage.loop.title in html, name  # the loop's report, with its scorecards and decision form
        assert 'data-testid="decision-form"' in html, name


def stageless(organisation, question_set) -> Invitation:
    """An invitation as the invite page, the API and Greenhouse made them before they named a stage."""
    now = timezone.now()
    return Invitation.objects.create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation, name="Legacy Lin"),
        question_set=question_set,
        opens_at=now,
        expires_at=now + timedelta(days=1),
        duration_minutes=30,
    )


def test_a_stageless_attempt_s_urls_open_the_report_outside_the_loops(
    organisation, question_set, endpoint, sent, reader, key_client
):
    """Its set is in no loop (the migration could not attach it): the links still open it."""
    attempt = graded(stageless(organisation, question_set))
    report_url = key_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()["report_url"]
    webhook_url = WebhookEvent.objects.get(payload__type="attempt.graded").payload["data"]["report_url"]
    for url in (report_url, webhook_url):
        html = assert_opens_the_attempt(reader, url, attempt)
        assert 'data-testid="outside-loops"' in html and 'data-testid="stageless"' in html
        assert 'data-testid="decision-form"' not in html  # decisions belong to a loop


def test_a_stageless_attempt_on_a_loop_s_set_is_in_that_loop_s_pipeline_and_report(organisation, question_set, reader):
    """The pipeline counts it in the loop whose stage uses its set: the loop's report shows it too."""
    attempt = graded(stageless(organisation, question_set))
    stage = assessment_stage(question_set)
    candidate = attempt.invitation.candidate
    pipeline = reader.get(f"/manage/loops/{stage.loop_id}/pipeline/?org={organisation.slug}").content.decode()
    assert f'data-candidate="{candidate.pk}" data-status="graded"' in pipeline
    report = f"/manage/candidates/{candidate.pk}/report/?loop={stage.loop_id}&org={organisation.slug}"
    assert f'id="attempt-{attempt.pk}"' in reader.get(report).content.decode()

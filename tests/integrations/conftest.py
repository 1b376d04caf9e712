from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Invitation, QuestionSet, Section, SectionItem
from assessments.services.invitations import invitation_create
from integrations.models import WebhookEndpoint
from integrations.services import WEBHOOK_DELIVERIES, webhook_endpoint_create
from organisations.models import Role
from tests.factories import CandidateFactory, MembershipFactory, QuestionFactory, assessment_stage
from tests.integrations.receiver import Receiver

ALL_EVENTS = ["invitation.created", "attempt.started", "attempt.submitted", "attempt.graded"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def endpoint(organisation, receiver) -> WebhookEndpoint:
    """An endpoint subscribed to every event the assessment flow emits, pointing at the receiver."""
    created = webhook_endpoint_create(organisation=organisation, url=receiver.url, events=ALL_EVENTS)
    receiver.secret = created.secret
    return created


@pytest.fixture
def sent(monkeypatch) -> list[tuple[int, float | None]]:
    """Record task messages instead of sending them: these tests drive the task themselves."""
    messages: list[tuple[int, float | None]] = []
    monkeypatch.setattr(WEBHOOK_DELIVERIES, "enqueue", lambda pk, countdown=None: messages.append((pk, countdown)))
    return messages


@pytest.fixture
def question_set(organisation) -> QuestionSet:
    """One conceptual question: submitting grades at once, no sandbox involved."""
    question_set = QuestionSet.objects.create(organisation=organisation, title="Concepts", slug="concepts")
    section = Section.objects.create(question_set=question_set, title="Concepts", position=1)
    SectionItem.objects.create(section=section, question=QuestionFactory(organisation=organisation), position=1)
    return question_set


def invite(organisation, question_set: QuestionSet, external_id: str = "") -> Invitation:
    return invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation, external_id=external_id),
        stage=assessment_stage(question_set),
        duration_minutes=60,
        expires_at=timezone.now() + timedelta(days=2),
    )


@pytest.fixture
def org_admin(organisation):
    """An organisation admin: the one role that manages keys and endpoints in the web app."""
    return MembershipFactory(organisation=organisation, role=Role.ADMIN).user


@pytest.fixture
def org_admin_client(client, org_admin):
    client.force_login(org_admin)
    return client

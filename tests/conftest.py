import pytest
from rest_framework.test import APIClient

from organisations.models import Role
from tests.factories import MembershipFactory, OrganisationFactory
from tests.sandbox.conftest import docker_engine  # noqa: F401 - shared with grading and health tests


@pytest.fixture(autouse=True)
def _forget_verified_api_keys():
    # The per-process memory of verified keys must not carry one test's keys into the next.
    from integrations.services import api_keys

    api_keys._verified.clear()


@pytest.fixture(autouse=True)
def _loopback_receivers(settings):
    # Test receivers (webhooks, a fake Greenhouse) listen on 127.0.0.1, which production refuses.
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests make many users; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def other_organisation():
    return OrganisationFactory()


def _client_for(membership) -> APIClient:
    client = APIClient()
    client.force_authenticate(membership.user)
    return client


@pytest.fixture
def manager_client(organisation):
    return _client_for(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER))


@pytest.fixture
def interviewer_client(organisation):
    return _client_for(MembershipFactory(organisation=organisation, role=Role.INTERVIEWER))


@pytest.fixture
def outsider_client(other_organisation):
    """An admin of another organisation: must never see or change ours."""
    return _client_for(MembershipFactory(organisation=other_organisation, role=Role.ADMIN))

"""Colleagues' roles and deactivation: an organisation always keeps an active admin, and a deactivated membership
lets its person do nothing there (pages, API, interviews), while their past scorecards stay."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.services.loops import stage_interviewer_assign
from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from organisations.models import Membership, Role
from organisations.selectors import member_user_find, membership_get, membership_list
from organisations.services import memberships as membership_services
from organisations.services.memberships import membership_deactivate, membership_reactivate, membership_role_change
from rubrics.models import ScorecardStatus
from rubrics.selectors.scorecards import scorecard_list_visible
from rubrics.services.scorecards import scorecard_start
from tests.factories import CandidateFactory, MembershipFactory, ScorecardFactory, StageFactory, StageInterviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(organisation):
    return MembershipFactory(organisation=organisation, role=Role.ADMIN)


def _deactivated(membership: Membership) -> Membership:
    Membership.objects.filter(pk=membership.pk).update(deactivated_at=timezone.now())
    membership.refresh_from_db()
    return membership


def test_the_last_active_admin_cannot_be_demoted(admin):
    with pytest.raises(ConflictError) as refused:
        membership_role_change(membership=admin, role=Role.HIRING_MANAGER)
    assert refused.value.code == "last_admin" and refused.value.status_code == 409
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_an_admin_can_be_demoted_while_another_remains(organisation, admin):
    MembershipFactory(organisation=organisation, role=Role.ADMIN)
    membership_role_change(membership=admin, role=Role.INTERVIEWER)
    admin.refresh_from_db()
    assert admin.role == Role.INTERVIEWER


def test_a_deactivated_admin_does_not_count_as_the_remaining_one(organisation, admin):
    _deactivated(MembershipFactory(organisation=organisation, role=Role.ADMIN))
    with pytest.raises(ConflictError, match="at least one active admin"):
        membership_role_change(membership=admin, role=Role.INTERVIEWER)


def test_the_last_active_admin_cannot_be_deactivated(organisation, admin):
    operator = MembershipFactory(role=Role.ADMIN).user  # someone else acting, e.g. from another path
    with pytest.raises(ConflictError) as refused:
        membership_deactivate(membership=admin, by=operator)
    assert refused.value.code == "last_admin"
    admin.refresh_from_db()
    assert admin.deactivated_at is None


def test_nobody_deactivates_themselves(organisation, admin):
    MembershipFactory(organisation=organisation, role=Role.ADMIN)
    with pytest.raises(ConflictError) as refused:
        membership_deactivate(membership=admin, by=admin.user)
    assert refused.value.code == "cannot_deactivate_self"


def test_an_unknown_role_is_refused(admin):
    with pytest.raises(ApplicationError) as refused:
        membership_role_change(membership=admin, role="owner")
    assert refused.value.code == "invalid_role" and refused.value.status_code == 400


def test_deactivating_then_reactivating_keeps_the_role(organisation, admin):
    interviewer = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER)
    membership_deactivate(membership=interviewer, by=admin.user)
    interviewer.refresh_from_db()
    assert interviewer.deactivated_at is not None
    membership_reactivate(membership=interviewer)
    interviewer.refresh_from_db()
    assert interviewer.deactivated_at is None and interviewer.role == Role.INTERVIEWER


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(organisation):
    """Each change locks the organisation first: the second sees the first's demotion and is refused."""
    first, second = (MembershipFactory(organisation=organisation, role=Role.ADMIN) for _ in range(2))
    first_inside = threading.Event()
    real_check = membership_services._check_an_admin_remains
    outcomes: list[str] = []

    def slow_check(membership):
        real_check(membership)
        if membership.pk == second.pk:
            first_inside.set()  # checked, not yet written: the moment a racing demotion would slip through
            time.sleep(0.5)

    def demote(membership) -> None:
        try:
            membership_role_change(membership=membership, role=Role.INTERVIEWER)
            outcomes.append("demoted")
        except ConflictError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    with mock.patch.object(membership_services, "_check_an_admin_remains", side_effect=slow_check):
        one = threading.Thread(target=demote, args=(second,))
        one.start()
        assert first_inside.wait(10)
        other = threading.Thread(target=demote, args=(first,))
        other.start()
        one.join(10)
        other.join(10)
    assert sorted(outcomes) == ["demoted", "last_admin"]
    assert Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count() == 1


def test_membership_get_refuses_a_deactivated_membership(organisation):
    membership = _deactivated(MembershipFactory(organisation=organisation))
    with pytest.raises(PermissionDeniedError) as refused:
        membership_get(user=membership.user)
    assert refused.value.code == "membership_deactivated"
    with pytest.raises(PermissionDeniedError):
        membership_get(user=membership.user, organisation_slug=organisation.slug)


def test_a_deactivated_membership_leaves_the_others_usable(organisation, other_organisation):
    membership = _deactivated(MembershipFactory(organisation=organisation))
    elsewhere = MembershipFactory(organisation=other_organisation, user=membership.user)
    assert membership_get(user=membership.user) == elsewhere  # no longer "in several organisations"


@pytest.mark.parametrize("role", [Role.HIRING_MANAGER, Role.ADMIN])
def test_the_api_refuses_a_deactivated_member(organisation, role):
    membership = _deactivated(MembershipFactory(organisation=organisation, role=role))
    client = APIClient()
    client.force_authenticate(membership.user)
    response = client.get("/api/v1/candidates/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "membership_deactivated"


@pytest.mark.parametrize(
    ("role", "path"),
    [(Role.HIRING_MANAGER, "/manage/loops/"), (Role.ADMIN, "/manage/people/"), (Role.INTERVIEWER, "/interviews/")],
)
def test_the_pages_refuse_a_deactivated_member(client: Client, organisation, role, path):
    membership = MembershipFactory(organisation=organisation, role=role)
    client.force_login(membership.user)
    assert client.get(path).status_code == 200
    _deactivated(membership)
    assert client.get(path).status_code == 403


def test_a_deactivated_member_is_not_an_assignable_interviewer(organisation):
    membership = _deactivated(MembershipFactory(organisation=organisation, role=Role.INTERVIEWER))
    stage = StageFactory(loop__organisation=organisation)
    assert membership not in membership_list(organisation=organisation)
    assert member_user_find(organisation=organisation, pk=membership.user_id) is None
    with pytest.raises(ApplicationError) as refused:
        stage_interviewer_assign(organisation=organisation, stage=stage, user=membership.user)
    assert refused.value.code == "not_a_member"


def test_a_deactivated_interviewer_cannot_start_a_scorecard(organisation):
    membership = _deactivated(MembershipFactory(organisation=organisation, role=Role.INTERVIEWER))
    stage = StageFactory(loop__organisation=organisation)
    StageInterviewerFactory(stage=stage, user=membership.user)
    with pytest.raises(PermissionDeniedError):
        scorecard_start(interviewer=membership.user, candidate=CandidateFactory(organisation=organisation), stage=stage)


def test_a_deactivated_interviewers_submitted_scorecards_stay_visible(organisation, admin):
    interviewer = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER)
    scorecard = ScorecardFactory(
        stage__loop__organisation=organisation,
        interviewer=interviewer.user,
        status=ScorecardStatus.SUBMITTED,
        submitted_at=timezone.now(),
        recommendation="yes",
    )
    membership_deactivate(membership=interviewer, by=admin.user)
    assert list(scorecard_list_visible(membership=admin, candidate=scorecard.candidate)) == [scorecard]

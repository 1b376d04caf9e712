"""Prepared reads (common.prepared) and the hot API reads built on them (assessments.api_reads).

The hot reads skip the ORM's per-call compile and the serializers, so each is compared here with
what the serializer (the schema's source) makes of the same row, in every state it can be in.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from assessments.api_reads import attempt_status
from assessments.attempt_apis import AttemptOutputSerializer
from assessments.invitation_apis import InvitationOutputSerializer
from assessments.models import Attempt, AttemptStatus, Candidate, Invitation
from common.prepared import PreparedRead
from tests.factories import CandidateFactory, OrganisationFactory
from tests.test_api_pagination import _attempt, _invitation, question_set  # noqa: F401 - shared fixture

pytestmark = pytest.mark.django_db


def _json(data):
    return JSONRenderer().render(data)


# --- PreparedRead ------------------------------------------------------------------------------------


def _by_name():
    return PreparedRead(
        lambda organisation_id, name: (
            Candidate.objects.filter(organisation_id=organisation_id, name=name)
            .order_by("pk")
            .values("id", "name", "created_at")
        ),
        organisation_id=int,
        name=str,
    )


def test_rows_are_what_the_orm_returns_for_each_call_s_values(organisation):
    read = _by_name()
    for name in ["Ada", "Ada", "Grace", "Ada O'Brien; DROP TABLE x --"]:
        CandidateFactory(organisation=organisation, name=name)
    CandidateFactory(organisation=OrganisationFactory(), name="Ada")  # another organisation's Ada
    for name in ["Ada", "Grace", "Ada O'Brien; DROP TABLE x --", "nobody"]:
        expected = Candidate.objects.filter(organisation=organisation, name=name).order_by("pk")
        assert read.rows(organisation_id=organisation.pk, name=name) == list(
            expected.values("id", "name", "created_at")
        )


def test_columns_are_named_in_values_order_with_annotations_among_fields(organisation):
    read = PreparedRead(
        lambda pk: (
            Candidate.objects.filter(pk=pk)
            .annotate(name_length=Length("name"))
            .values("id", "name_length", "name", "email")
        ),
        pk=int,
    )
    candidate = CandidateFactory(organisation=organisation, name="Grace")
    assert read.rows(pk=candidate.pk) == [
        {"id": candidate.pk, "name_length": 5, "name": "Grace", "email": candidate.email}
    ]


def test_a_call_is_one_query_and_compiles_once(organisation):
    read, built = _by_name(), []
    original = read.build
    read.build = lambda **params: built.append(params) or original(**params)
    with CaptureQueriesContext(connection) as captured:
        for name in ["a", "b", "c"]:
            read.rows(organisation_id=organisation.pk, name=name)
    assert len(captured) == 3
    assert len(built) == 2  # compiled once, with two sets of stand-ins to check the SQL does not change


def test_constants_in_the_query_are_kept(organisation, question_set):  # noqa: F811
    graded = PreparedRead(
        lambda organisation_id: (
            Attempt.objects.filter(organisation_id=organisation_id, status=AttemptStatus.GRADED)
            .order_by("pk")
            .values("id")
        ),
        organisation_id=int,
    )
    rows = [_attempt(_invitation(organisation, question_set), status) for status in AttemptStatus.values]
    assert graded.rows(organisation_id=organisation.pk) == [{"id": rows[-1].pk}]


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        (lambda name: Candidate.objects.filter(name__icontains=name).values("id"), "changed on its way"),
        (lambda name: Candidate.objects.filter(pk=1).values("id"), "not used"),
        (lambda name: Candidate.objects.filter(name=name), "values()"),
    ],
)
def test_queries_it_cannot_prepare_faithfully_are_refused(build, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        PreparedRead(build, name=str).rows(name="x")


@pytest.mark.parametrize(
    "params", [{"organisation_id": True, "name": "x"}, {"organisation_id": 1, "name": None}, {"organisation_id": 1}]
)
def test_wrong_parameters_are_refused_before_any_sql(params):
    with CaptureQueriesContext(connection) as captured, pytest.raises(TypeError):
        _by_name().rows(**params)
    assert len(captured) == 0


def test_parameter_types_other_than_int_and_str_are_refused_up_front():
    with pytest.raises(ImproperlyConfigured):
        PreparedRead(lambda when: Candidate.objects.values("id"), when=float)


# --- the hot API reads answer exactly what their serializers would ------------------------------------


def test_attempt_status_matches_the_serializer_in_every_status(organisation, question_set):  # noqa: F811
    for status in AttemptStatus.values:
        attempt = _attempt(_invitation(organisation, question_set), status)
        attempt.finalised_by_deadline = status == AttemptStatus.GRADED
        attempt.save()
        attempt = Attempt.objects.select_related("invitation").get(pk=attempt.pk)
        fast = attempt_status(organisation_id=organisation.pk, pk=attempt.pk)
        assert _json(fast) == _json(AttemptOutputSerializer(attempt).data)


def _invitations_in_every_state(organisation, question_set):  # noqa: F811
    now = timezone.now()
    return {
        "open": _invitation(organisation, question_set),
        "not_open": _invitation(organisation, question_set, opens_at=now + timedelta(hours=1)),
        "expired": _invitation(
            organisation, question_set, opens_at=now - timedelta(days=2), expires_at=now - timedelta(days=1)
        ),
        "revoked": _invitation(organisation, question_set, revoked_at=now),
        "started": _attempt(_invitation(organisation, question_set), AttemptStatus.SUBMITTED).invitation,
    }


def test_invitation_detail_matches_the_serializer_in_every_state(manager_client, organisation, question_set):  # noqa: F811
    for state, invitation in _invitations_in_every_state(organisation, question_set).items():
        response = manager_client.get(f"/api/v1/invitations/{invitation.pk}/")
        fresh = Invitation.objects.select_related("attempt").get(pk=invitation.pk)
        assert response.json()["state"] == state
        assert response.content == _json(InvitationOutputSerializer(fresh).data)


def test_candidate_by_external_id_is_the_general_list_s_answer(manager_client, organisation):
    wanted = CandidateFactory(organisation=organisation, external_id="gh-42")
    CandidateFactory(organisation=organisation, external_id="gh-43")
    CandidateFactory(organisation=OrganisationFactory(), external_id="gh-42")
    fast = manager_client.get("/api/v1/candidates/?external_id=gh-42")
    general = manager_client.get("/api/v1/candidates/?external_id=gh-42&updated_since=2000-01-01T00:00:00Z")
    assert fast.json()["results"][0]["id"] == wanted.pk
    assert fast.content == general.content
    assert manager_client.get("/api/v1/candidates/?external_id=gh-99").json() == {
        "results": [],
        "next_cursor": None,
        "next": None,
    }


@pytest.mark.parametrize("route", ["/api/v1/attempts/{}/", "/api/v1/invitations/{}/"])
def test_another_organisation_s_row_is_the_same_404_as_a_missing_one(manager_client, question_set, route):  # noqa: F811
    theirs = _attempt(_invitation(OrganisationFactory(), question_set), AttemptStatus.GRADED)
    pk = theirs.pk if "attempts" in route else theirs.invitation_id
    for missing in (pk, 10**9):
        response = manager_client.get(route.format(missing))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

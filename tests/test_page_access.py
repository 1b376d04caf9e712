"""One role × organisation matrix for every page under /manage/: who may look, who may act, who sees nothing.

The route table must name every /manage/ URL (the resolver is walked), so a new page cannot ship
without its row. Anonymous visitors are sent to log in; interviewers get 403; hiring managers get
the manager pages and 403 on the admins' integration pages; another organisation's admin gets 404
for our objects; and no refused POST changes anything.
"""

import pytest
from django.contrib.auth.models import User

from assessments.models import (
    Accommodation,
    Attempt,
    CodeSubmission,
    CodingSpec,
    Decision,
    ImportJob,
    Invitation,
    Question,
    QuestionRevision,
    Stage,
    StageInterviewer,
)
from grading.models import GradingRequest, ScoreOverride, SpecValidation
from integrations.models import ApiKey, WebhookDelivery, WebhookEndpoint
from integrations.services import webhook_endpoint_create
from integrations.services.api_keys import api_key_create
from notifications.models import EmailKind, MailSettings, OutgoingEmail
from notifications.services.outbox import email_record
from organisations.models import ColleagueInvite, Membership, Role
from organisations.services.colleague_invites import colleague_invite_create
from rubrics.models import Scorecard
from tests.assessments.test_report import case  # noqa: F401 - the report's fixture: loop, stages, submissions
from tests.assessments.test_similarity_page import _finals
from tests.factories import MembershipFactory
from tests.integrations.test_web_webhooks import delivery_for
from tests.routes import routes_under

pytestmark = pytest.mark.django_db

MANAGER, ADMIN = "manager", "admin"
# route → (method, who may, URL arguments from the objects below)
ROUTES = {
    "manage/invitations/": ("GET", MANAGER, ()),
    "manage/invitations/<int:pk>/revoke/": ("POST", MANAGER, ("invitation",)),
    "manage/invitations/bulk/": ("GET", MANAGER, ()),
    "manage/candidates/": ("GET", MANAGER, ()),
    "manage/candidates/<int:pk>/": ("GET", MANAGER, ("candidate",)),
    "manage/candidates/<int:pk>/report/": ("GET", MANAGER, ("candidate",)),
    "manage/candidates/<int:pk>/decide/": ("POST", MANAGER, ("candidate",)),
    "manage/attempts/<int:pk>/extend/": ("POST", MANAGER, ("attempt",)),
    "manage/attempts/<int:pk>/override/": ("POST", MANAGER, ("attempt",)),
    "manage/attempts/<int:pk>/regrade/": ("POST", MANAGER, ("attempt",)),
    "manage/gradings/failed/": ("GET", MANAGER, ()),
    "manage/gradings/<int:pk>/requeue/": ("POST", MANAGER, ("own",)),
    "manage/loops/": ("GET", MANAGER, ()),
    "manage/loops/new/": ("GET", MANAGER, ()),
    "manage/loops/<int:pk>/pipeline/": ("GET", MANAGER, ("loop",)),
    "manage/loops/<int:pk>/pipeline.csv": ("GET", MANAGER, ("loop",)),
    "manage/loops/<int:pk>/calibration/": ("GET", MANAGER, ("loop",)),
    "manage/loops/<int:pk>/edit/": ("GET", MANAGER, ("loop",)),
    "manage/loops/<int:pk>/clone/": ("GET", MANAGER, ("loop",)),
    "manage/loops/<int:pk>/preview/": ("GET", MANAGER, ("loop",)),
    "manage/loops/<int:pk>/archive/": ("POST", MANAGER, ("loop",)),
    "manage/loops/<int:pk>/stages/<int:stage_pk>/remove/": ("POST", MANAGER, ("loop", "stage")),
    "manage/loops/<int:pk>/stages/<int:stage_pk>/interviewers/": ("POST", MANAGER, ("loop", "stage")),
    "manage/loops/<int:pk>/stages/<int:stage_pk>/focus/": ("POST", MANAGER, ("loop", "stage")),
    "manage/similarity/<int:submission_a>/<int:submission_b>/": ("GET", MANAGER, ("own", "copier")),
    "manage/question-sets/import/": ("GET", MANAGER, ()),
    "manage/question-sets/imports/<int:pk>/": ("GET", MANAGER, ("import_job",)),
    # the question bank
    "manage/question-sets/": ("GET", MANAGER, ()),
    "manage/question-sets/new/": ("GET", MANAGER, ()),
    "manage/question-sets/<int:pk>/": ("GET", MANAGER, ("question_set",)),
    "manage/questions/": ("GET", MANAGER, ()),
    "manage/questions/new/": ("GET", MANAGER, ()),
    "manage/questions/<int:pk>/": ("GET", MANAGER, ("question",)),
    "manage/questions/<int:pk>/archive/": ("POST", MANAGER, ("question",)),
    "manage/questions/<int:pk>/preview/": ("GET", MANAGER, ("question",)),
    "manage/questions/<int:pk>/validate/": ("POST", MANAGER, ("question",)),
    "manage/questions/<int:pk>/validation/": ("GET", MANAGER, ("question",)),
    "manage/questions/<int:pk>/publish/": ("POST", MANAGER, ("question",)),
    "manage/attempts/<int:pk>/": ("GET", MANAGER, ("attempt",)),
    "manage/integrations/": ("GET", ADMIN, ()),
    "manage/integrations/api-keys/": ("GET", ADMIN, ()),
    "manage/integrations/api-keys/<int:pk>/revoke/": ("POST", ADMIN, ("api_key",)),
    "manage/integrations/webhooks/": ("GET", ADMIN, ()),
    "manage/integrations/webhooks/new/": ("GET", ADMIN, ()),
    "manage/integrations/webhooks/<int:pk>/": ("GET", ADMIN, ("endpoint",)),
    "manage/integrations/webhooks/<int:pk>/rotate-secret/": ("POST", ADMIN, ("endpoint",)),
    "manage/integrations/webhooks/<int:pk>/end-overlap/": ("POST", ADMIN, ("endpoint",)),
    "manage/integrations/webhooks/<int:pk>/deactivate/": ("POST", ADMIN, ("endpoint",)),
    "manage/integrations/webhooks/<int:pk>/deliveries/": ("GET", ADMIN, ("endpoint",)),
    "manage/integrations/deliveries/": ("GET", ADMIN, ()),
    "manage/integrations/deliveries/<int:pk>/": ("GET", ADMIN, ("delivery",)),
    "manage/integrations/deliveries/<int:pk>/replay/": ("POST", ADMIN, ("delivery",)),
    "manage/people/": ("GET", ADMIN, ()),
    "manage/people/<int:pk>/role/": ("POST", ADMIN, ("colleague",)),
    "manage/people/<int:pk>/deactivate/": ("POST", ADMIN, ("colleague",)),
    "manage/people/<int:pk>/reactivate/": ("POST", ADMIN, ("colleague",)),
    "manage/people/invites/<int:pk>/revoke/": ("POST", ADMIN, ("colleague_invite",)),
    "manage/emails/": ("GET", MANAGER, ()),
    "manage/emails/<int:pk>/resend/": ("POST", MANAGER, ("email",)),
    "manage/emails/settings/": ("POST", ADMIN, ()),
    "manage/emails/digest/": ("POST", MANAGER, ()),
}
WATCHED = [
    Invitation,
    Attempt,
    Accommodation,
    CodeSubmission,
    ScoreOverride,
    GradingRequest,
    Decision,
    Stage,
    StageInterviewer,
    Scorecard,
    ApiKey,
    WebhookEndpoint,
    WebhookDelivery,
    Membership,
    ColleagueInvite,
    User,
    OutgoingEmail,
    MailSettings,
]
WATCHED += [Question, QuestionRevision, CodingSpec, SpecValidation]  # the question bank


def test_every_manage_page_is_in_the_matrix():
    assert routes_under("manage/") == set(ROUTES)


@pytest.fixture
def objects(case):  # noqa: F811
    organisation = case["organisation"]
    own, copier, _ = _finals(case)
    endpoint = webhook_endpoint_create(
        organisation=organisation, url="https://a.example.test/", events=["attempt.graded"]
    )
    return {
        "candidate": case["candidate"],
        "invitation": own.attempt_question.attempt.invitation,
        "attempt": own.attempt_question.attempt,
        "loop": case["loop"],
        "stage": case["stages"][1],
        "import_job": ImportJob.objects.create(organisation=organisation, source="# Set\n\n1. Why?\n"),
        "own": own,
        "copier": copier,
        "question": own.attempt_question.revision.question,  # a coding question with its spec
        "question_set": own.attempt_question.attempt.invitation.question_set,
        "api_key": api_key_create(organisation=organisation, name="ATS")[0],
        "endpoint": endpoint,
        "delivery": delivery_for(endpoint),
        "colleague": MembershipFactory(organisation=organisation, role=Role.ADMIN),
        "colleague_invite": colleague_invite_create(
            organisation=organisation, name="Nia New", email="nia@example.test", role=Role.ADMIN, created_by=None
        )[0],
        "email": email_for(own.attempt_question.attempt.invitation),
    }


def email_for(invitation):
    candidate = invitation.candidate
    return email_record(
        kind=EmailKind.INVITATION,
        key=f"matrix:{invitation.pk}",
        to_email=candidate.email,
        organisation_id=invitation.organisation_id,
        invitation=invitation,
    )


def _url(route: str, args: tuple[str, ...], objects) -> str:
    path = route
    for name in args:
        start = path.index("<")
        path = path[:start] + str(objects[name].pk) + path[path.index(">") + 1 :]
    return "/" + path + (f"?loop={objects['loop'].pk}" if "candidates" in route else "")


def _snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


def _call(client, route, objects):
    method, _, args = ROUTES[route]
    url = _url(route, args, objects)
    return (
        client.get(url) if method == "GET" else client.post(url, {"loop": objects["loop"].pk, "role": Role.INTERVIEWER})
    )


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_anonymous_visitors_are_sent_to_log_in(client, objects, route):
    before = _snapshot()
    response = _call(client, route, objects)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _snapshot() == before


BELOW = [(route, Role.INTERVIEWER) for route in sorted(ROUTES)] + [
    (route, Role.HIRING_MANAGER) for route in sorted(ROUTES) if ROUTES[route][1] == ADMIN
]


@pytest.mark.parametrize(("route", "role"), BELOW)
def test_roles_below_the_page_get_403_and_change_nothing(client, case, objects, route, role):  # noqa: F811
    client.force_login(MembershipFactory(organisation=case["organisation"], role=role).user)
    before = _snapshot()
    assert _call(client, route, objects).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("route", sorted(r for r, (method, who, _) in ROUTES.items() if method == "GET"))
def test_the_pages_open_for_those_allowed(client, case, objects, route):  # noqa: F811
    role = Role.HIRING_MANAGER if ROUTES[route][1] == MANAGER else Role.ADMIN
    client.force_login(MembershipFactory(organisation=case["organisation"], role=role).user)
    response = _call(client, route, objects)
    assert response.status_code in (200, 302)  # the integrations index redirects to the keys page


@pytest.mark.parametrize("route", sorted(r for r, (_, _, args) in ROUTES.items() if args))
def test_another_organisations_admin_gets_404_and_changes_nothing(client, objects, other_organisation, route):
    client.force_login(MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user)
    before = _snapshot()
    assert _call(client, route, objects).status_code == 404
    assert _snapshot() == before

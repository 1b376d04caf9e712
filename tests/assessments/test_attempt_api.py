"""/api/v1/attempts/: status, timestamps and results as an ATS reads them."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AttemptStatus
from organisations.models import Role
from rubrics.models import Rating
from tests.assessments.test_report import _scorecard, case  # noqa: F401 - shared fixture
from tests.factories import MembershipFactory, OrganisationFactory, QuestionFactory, ScorecardFactory
from tests.test_api_pagination import _attempt, _invitation, question_set  # noqa: F401 - shared fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(case):  # noqa: F811 - the fixture imported above
    return case["own_submission"].attempt_question.attempt


def test_attempt_status_and_timestamps(manager_client, attempt):
    body = manager_client.get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert (body["id"], body["status"], body["candidate_id"]) == (attempt.pk, "graded", attempt.invitation.candidate_id)
    assert body["invitation_id"] == attempt.invitation_id and body["stage_id"] == attempt.invitation.stage_id
    assert body["submitted_at"] and body["started_at"] and body["deadline"]
    assert body["finalised_by_deadline"] is False


ATTEMPT_FIELDS = [
    "id",
    "invitation_id",
    "candidate_id",
    "question_set_id",
    "stage_id",
    "status",
    "started_at",
    "deadline",
    "submitted_at",
    "finalised_by_deadline",
    "updated_at",
]


def test_attempt_detail_answers_exactly_its_fields_in_every_status(manager_client, organisation, question_set):  # noqa: F811
    for status in AttemptStatus.values:
        attempt = _attempt(_invitation(organisation, question_set), status)
        body = manager_client.get(f"/api/v1/attempts/{attempt.pk}/").json()
        assert list(body) == ATTEMPT_FIELDS
        assert (body["id"], body["status"], body["stage_id"]) == (attempt.pk, status, None)
        assert (body["submitted_at"] is None) == (status == AttemptStatus.IN_PROGRESS)


@pytest.mark.parametrize("route", ["/api/v1/attempts/{}/", "/api/v1/invitations/{}/"])
def test_another_organisation_s_row_is_the_same_404_as_a_missing_one(manager_client, question_set, route):  # noqa: F811
    theirs = _attempt(_invitation(OrganisationFactory(), question_set), AttemptStatus.GRADED)
    pk = theirs.pk if "attempts" in route else theirs.invitation_id
    for missing in (pk, 10**9):
        response = manager_client.get(route.format(missing))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_result_scores_each_question_and_sums_verdicts(manager_client, client, attempt, case):  # noqa: F811
    body = manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    assert (body["status"], body["complete"], body["score"]) == ("graded", True, 50.0)
    assert (body["graded_score"], body["overridden"]) == (50.0, False)
    coding, written = body["questions"]
    assert coding["kind"] == "coding" and coding["answered"] is False
    assert coding["coding"] == {
        "submission_status": "graded",
        "verdict": "wrong_answer",
        "score": 0.5,
        "graded_score": 0.5,
        "override": None,
        "tests_total": 2,
        "tests_passed": 1,
        "verdicts": {"accepted": 1, "wrong_answer": 1},
    }
    assert written["coding"] is None and written["answered"] is True
    assert body["verdicts"] == {"accepted": 1, "wrong_answer": 1}
    # report_url opens the loop's report at this attempt for a signed-in hiring manager
    assert body["report_url"].endswith(f"/manage/attempts/{attempt.pk}/?org={case['organisation'].slug}")
    client.force_login(case["manager"].user)
    page = client.get(body["report_url"].removeprefix(settings.SITE_URL.rstrip("/")), follow=True)
    final = urlsplit(page.redirect_chain[-1][0])
    assert final.path == f"/manage/candidates/{case['candidate'].pk}/report/"
    assert final.fragment == f"attempt-{attempt.pk}"
    assert parse_qs(final.query) == {"loop": [str(case["loop"].pk)], "org": [case["organisation"].slug]}
    html = page.content.decode()
    assert page.status_code == 200 and case["candidate"].name in html and f'id="attempt-{attempt.pk}"' in html


def test_result_aggregates_only_submitted_scorecards(manager_client, attempt, case):  # noqa: F811
    rubric = manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()["rubric"]
    # onsite: alice (depth 4 ×1, clarity 2 ×3) = 2.5; final: carol (2 ×1, 4 ×3) = 3.5; bob's draft is ignored.
    assert rubric["scorecards_submitted"] == 2
    assert [stage["score"] for stage in rubric["stages"]] == [None, 2.5, 3.5]
    assert rubric["overall"] == pytest.approx((2 * 2.5 + 1 * 3.5) / 3, abs=1e-3)
    assert rubric["mean_rating"] == 3.0
    assert rubric["recommendations"] == {"strong_no": 0, "no": 0, "yes": 1, "strong_yes": 1}


def test_result_rates_written_questions_from_submitted_scorecards(manager_client, attempt, case):  # noqa: F811
    written_question = attempt.questions.order_by("position")[1].revision.question
    _, onsite, _ = case["stages"]
    depth = Rating.objects.filter(scorecard__stage=onsite).first().criterion
    reviewer = MembershipFactory(organisation=case["organisation"], role=Role.INTERVIEWER).user
    _scorecard(onsite, case["candidate"], reviewer, {depth: 3}, question=written_question)
    written = manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()["questions"][1]
    assert written["rubric"] == {"mean_rating": 3.0, "ratings": 1}


def test_result_before_grading_is_incomplete_with_no_score(manager_client, attempt):
    attempt.status = "submitted"
    attempt.save()
    submission = attempt.questions.order_by("position")[0].submissions.get()
    submission.status = "queued"
    submission.save()
    body = manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    assert (body["complete"], body["score"], body["verdicts"]) == (False, None, {})
    assert body["questions"][0]["coding"]["submission_status"] == "queued"
    assert body["questions"][0]["coding"]["score"] is None


def test_result_query_count_does_not_grow_with_questions_or_scorecards(manager_client, attempt, case):  # noqa: F811
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").status_code == 200
        return len(captured)

    before = queries()
    organisation, (_, onsite, final) = case["organisation"], case["stages"]
    extra = [QuestionFactory(organisation=organisation) for _ in range(3)]
    for position, question in enumerate(extra, start=10):
        attempt.questions.create(revision=question.revisions.get(), position=position)
    for stage in (onsite, final):
        reviewer = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
        card = ScorecardFactory(stage=stage, candidate=case["candidate"], interviewer=reviewer)
        card.status, card.recommendation = "submitted", "no"
        card.submitted_at = card.created_at
        card.save()
    assert queries() == before


def test_interviewers_cannot_read_results_which_would_unblind_scorecards(interviewer_client, attempt):
    response = interviewer_client.get(f"/api/v1/attempts/{attempt.pk}/result/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "role_forbidden"
    # Nor the attempt itself: a candidate's work and timing is not what an interview needs (docs/security.md).
    assert interviewer_client.get(f"/api/v1/attempts/{attempt.pk}/").status_code == 403


def test_interviewers_cannot_probe_results_with_head_either(interviewer_client, manager_client, attempt):
    assert interviewer_client.head(f"/api/v1/attempts/{attempt.pk}/result/").status_code == 403
    assert manager_client.head(f"/api/v1/attempts/{attempt.pk}/result/").status_code == 200


def test_unknown_attempt_is_a_404_in_the_stable_shape(manager_client):
    response = manager_client.get("/api/v1/attempts/999999/result/")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "No attempt with id 999999.", "details": {}}

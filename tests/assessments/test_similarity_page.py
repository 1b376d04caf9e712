"""The side-by-side similarity page: managers of the same organisation, final submissions of one question."""

import re

import pytest

from assessments.models import CodeSubmission, SubmissionPurpose
from organisations.models import Role
from tests.assessments.test_report import _report_url, case  # noqa: F401 - the report's fixture
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _finals(case):  # noqa: F811
    own = case["own_submission"]
    question = own.attempt_question.revision.question
    others = CodeSubmission.objects.filter(
        purpose=SubmissionPurpose.FINAL, attempt_question__revision__question=question
    ).exclude(pk=own.pk)
    by_name = {s.attempt_question.attempt.invitation.candidate.name: s for s in others}
    return own, by_name["Bo Copier"], by_name["Cy Other"]


def test_side_by_side_highlights_matching_lines(client, case):  # noqa: F811
    own, copier, _ = _finals(case)
    client.force_login(case["manager"].user)
    response = client.get(f"/manage/similarity/{own.pk}/{copier.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana Candidate" in html and "Bo Copier" in html
    assert re.search(r"\d+% of fingerprints shared", html)
    assert "start &lt;= result[-1][1]" in html  # code is escaped
    matched = re.findall(r'class="line matched" data-line="(\d+)"', html)
    assert matched and len(matched) >= 10  # most of both programs match
    # The report's flag links here.
    report = client.get(_report_url(case)).content.decode()
    assert f"/manage/similarity/{own.pk}/{copier.pk}/" in report


def test_roles_organisations_and_mismatched_submissions(client, case, other_organisation):  # noqa: F811
    own, copier, _ = _finals(case)
    url = f"/manage/similarity/{own.pk}/{copier.pk}/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(MembershipFactory(organisation=case["organisation"], role=Role.INTERVIEWER).user)
    assert client.get(url).status_code == 403
    client.force_login(MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user)
    assert client.get(url).status_code == 404
    client.force_login(case["manager"].user)
    assert client.get(f"/manage/similarity/{own.pk}/{own.pk}/").status_code == 404
    assert client.get(f"/manage/similarity/{own.pk}/999999/").status_code == 404
    run = CodeSubmission.objects.create(
        attempt_question=copier.attempt_question, purpose=SubmissionPurpose.SAMPLES, source=copier.source
    )
    assert client.get(f"/manage/similarity/{own.pk}/{run.pk}/").status_code == 404  # only final submissions

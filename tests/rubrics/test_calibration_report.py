"""The loop calibration report: submitted Ratings → agreement, leniency and spread, and its page."""

import math
from xml.etree import ElementTree

import krippendorff
import numpy as np
import pytest
from django.utils import timezone

from organisations.models import Role
from rubrics.calibration import krippendorff_alpha
from rubrics.models import Criterion, Rating, ScorecardStatus
from rubrics.selectors.calibration import loop_calibration
from tests.factories import (
    CandidateFactory,
    LoopFactory,
    MembershipFactory,
    QuestionFactory,
    RubricFactory,
    ScorecardFactory,
    StageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NAN = np.nan


def _card(stage, candidate, interviewer, *, submitted=True):
    extra = {"status": ScorecardStatus.SUBMITTED, "submitted_at": timezone.now(), "recommendation": "yes"}
    return ScorecardFactory(stage=stage, candidate=candidate, interviewer=interviewer, **(extra if submitted else {}))


def _rate(card, question, criterion, score):
    Rating.objects.create(scorecard=card, question=question, criterion=criterion, score=score)


@pytest.fixture
def case(organisation):
    """Three interviewers (X, Y, Z), two candidates, two questions, a two-criterion rubric.

    Units (candidate, question, criterion) and ratings:
        u1 = (c1, Q1, A): X 3, Y 2, Z 4
        u2 = (c1, Q1, B): X 4, Y 3
        u3 = (c1, Q2, A): X 2,       Z 2
        u4 = (c2, Q1, A):       Y 1, Z 2
    plus noise that must be ignored: a draft scorecard, and another loop's submitted ratings.
    """
    loop = LoopFactory(organisation=organisation)
    stage = StageFactory(loop=loop)
    rubric = RubricFactory(organisation=organisation)
    a = rubric.criteria.get()
    b = Criterion.objects.create(rubric=rubric, position=2, name="Clarity")
    q1 = QuestionFactory(organisation=organisation, title="Alpha question")
    q2 = QuestionFactory(organisation=organisation, title="Beta question")
    x = UserFactory(first_name="Xena", last_name="X")
    y = UserFactory(first_name="Yuri", last_name="Y")
    z = UserFactory(first_name="Zoe", last_name="Z")
    c1, c2 = CandidateFactory(organisation=organisation), CandidateFactory(organisation=organisation)

    cx1, cy1, cz1 = _card(stage, c1, x), _card(stage, c1, y), _card(stage, c1, z)
    _rate(cx1, q1, a, 3), _rate(cy1, q1, a, 2), _rate(cz1, q1, a, 4)
    _rate(cx1, q1, b, 4), _rate(cy1, q1, b, 3)
    _rate(cx1, q2, a, 2), _rate(cz1, q2, a, 2)
    cy2, cz2 = _card(stage, c2, y), _card(stage, c2, z)
    _rate(cy2, q1, a, 1), _rate(cz2, q1, a, 2)

    draft = _card(stage, c2, UserFactory(first_name="Wendy"), submitted=False)
    _rate(draft, q1, a, 4)
    other_stage = StageFactory(loop=LoopFactory(organisation=organisation))
    _rate(_card(other_stage, c1, x), q1, a, 1)
    return {"loop": loop, "x": x, "y": y, "z": z, "q1": q1, "q2": q2}


# raters X, Y, Z × units u1..u4
MATRIX = np.array([[3, 4, 2, NAN], [2, 3, NAN, 1], [4, NAN, 2, 2]])


def test_overall_alpha_matches_the_statistic_and_the_krippendorff_package(case):
    report = loop_calibration(loop=case["loop"])
    expected = krippendorff_alpha(MATRIX, level="ordinal")
    assert report.overall.alpha == pytest.approx(expected)
    assert report.overall.alpha == pytest.approx(
        krippendorff.alpha(reliability_data=MATRIX, level_of_measurement="ordinal")
    )
    assert report.overall.ratings == 9
    assert report.overall.pairable_units == 4
    assert report.overall.pairable_ratings == 9
    assert report.overall.enough_data


def test_per_question_alpha_and_not_enough_data(case):
    by_title = {q.title: q for q in loop_calibration(loop=case["loop"]).questions}
    assert list(by_title) == ["Alpha question", "Beta question"]
    q1 = by_title["Alpha question"].agreement
    assert q1.alpha == pytest.approx(krippendorff_alpha(MATRIX[:, [0, 1, 3]], level="ordinal"))
    assert (q1.ratings, q1.pairable_units) == (7, 3)
    # Q2: one unit, both interviewers gave 2: no variation, alpha undefined.
    q2 = by_title["Beta question"].agreement
    assert math.isnan(q2.alpha)
    assert not q2.enough_data
    assert (q2.ratings, q2.pairable_units) == (2, 1)


def test_leniency_spread_and_histogram_per_interviewer(case):
    rows = {row.interviewer_id: row for row in loop_calibration(loop=case["loop"]).interviewers}
    assert set(rows) == {case["x"].pk, case["y"].pk, case["z"].pk}  # the draft's author is not in the panel
    x, y, z = rows[case["x"].pk], rows[case["y"].pk], rows[case["z"].pk]
    # X: u1 3 - (2+4)/2 = 0; u2 4 - 3 = 1; u3 2 - 2 = 0
    assert x.leniency == pytest.approx(1 / 3)
    # Y: u1 2 - (3+4)/2 = -1.5; u2 3 - 4 = -1; u4 1 - 2 = -1
    assert y.leniency == pytest.approx(-3.5 / 3)
    # Z: u1 4 - (3+2)/2 = 1.5; u3 0; u4 2 - 1 = 1
    assert z.leniency == pytest.approx(2.5 / 3)
    assert (x.shared_units, y.shared_units, z.shared_units) == (3, 3, 3)
    assert x.spread == pytest.approx(np.std([3, 4, 2]))
    assert y.spread == pytest.approx(np.std([2, 3, 1]))
    assert (x.ratings, x.mean) == (3, pytest.approx(3.0))
    assert x.histogram == {1: 0, 2: 1, 3: 1, 4: 1}
    assert z.histogram == {1: 0, 2: 2, 3: 0, 4: 1}
    assert x.name == "Xena X"


def test_a_second_stage_rating_of_the_same_unit_uses_the_latest(case, organisation):
    loop, x = case["loop"], case["x"]
    later_stage = StageFactory(loop=loop)
    candidate = CandidateFactory(organisation=organisation)
    rubric = RubricFactory(organisation=organisation)
    criterion = rubric.criteria.get()
    question = QuestionFactory(organisation=organisation, title="Gamma question")
    _rate(_card(later_stage, candidate, x), question, criterion, 1)
    _rate(_card(StageFactory(loop=loop), candidate, x), question, criterion, 4)
    report = loop_calibration(loop=loop)
    gamma = next(q for q in report.questions if q.title == "Gamma question")
    assert gamma.agreement.ratings == 1
    assert next(r for r in report.interviewers if r.interviewer_id == x.pk).histogram[4] == 2


def test_empty_loop_has_no_figures(organisation):
    report = loop_calibration(loop=LoopFactory(organisation=organisation))
    assert math.isnan(report.overall.alpha)
    assert report.overall.ratings == 0
    assert report.questions == []
    assert report.interviewers == []


def test_page_shows_figures_and_svg_charts(client, organisation, case, django_assert_max_num_queries):
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    with django_assert_max_num_queries(12):
        response = client.get(f"/manage/loops/{case['loop'].pk}/calibration/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 2
    for chunk in html.split("<svg")[1:]:
        ElementTree.fromstring("<svg" + chunk.split("</svg>")[0] + "</svg>")  # noqa: S314 - our own page
    assert 'class="zero"' in html  # the leniency chart's zero line
    assert html.count('class="leniency"') == 3
    assert html.count('class="bin"') == 12  # 3 interviewers × 4 scores
    assert f"{krippendorff_alpha(MATRIX, level='ordinal'):.3f}" in html
    assert "Xena X" in html
    assert "not enough data" in html  # the Beta question


def test_page_says_not_enough_data_with_a_single_interviewer(client, organisation):
    loop = LoopFactory(organisation=organisation)
    stage = StageFactory(loop=loop)
    rubric = RubricFactory(organisation=organisation)
    question = QuestionFactory(organisation=organisation)
    _rate(_card(stage, CandidateFactory(organisation=organisation), UserFactory()), question, rubric.criteria.get(), 3)
    client.force_login(MembershipFactory(organisation=organisation, role=Role.ADMIN).user)
    response = client.get(f"/manage/loops/{loop.pk}/calibration/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "not enough data" in html
    assert "no shared units" in html  # the leniency bar is replaced by a note


def test_page_is_for_managers_of_the_loops_organisation_only(client, organisation, other_organisation, case):
    url = f"/manage/loops/{case['loop'].pk}/calibration/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user)
    assert client.get(url).status_code == 403
    client.force_login(MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user)
    assert client.get(url).status_code == 404

"""common.scoring: the one place each aggregate score is computed (pure numbers, no database)."""

import pytest

from common import scoring


def test_coding_score_weights_questions_by_points_as_0_to_100():
    assert scoring.coding_score([(1.0, 1.0), (3.0, 0.5)]) == 62.5
    assert scoring.coding_score([(2.0, 1 / 3)]) == 33.33  # two decimals, the figure an ATS stores
    assert scoring.coding_score(iter([(1.0, 0.0)])) == 0.0


def test_coding_score_is_none_until_something_is_graded():
    assert scoring.coding_score([]) is None
    assert scoring.coding_score([(0.0, 1.0)]) is None


def test_criterion_weighted_mean():
    # depth 4 (weight 1), clarity 2 (weight 3): 10 / 4
    assert scoring.criterion_weighted_mean([(1.0, 4), (3.0, 2)]) == 2.5
    assert scoring.criterion_weighted_mean([]) is None


def test_rating_mean():
    assert scoring.rating_mean([2, 3, 4]) == 3.0
    assert scoring.rating_mean([]) is None


def test_stage_weighted_overall_leaves_out_stages_without_a_score_or_weight():
    assert scoring.stage_weighted_overall([(1.0, None), (2.0, 2.5), (1.0, 3.5)]) == pytest.approx(8.5 / 3)
    assert scoring.stage_weighted_overall([(0.0, 4.0), (1.0, 2.0)]) == 2.0
    assert scoring.stage_weighted_overall([(1.0, None)]) is None


def test_recommendation_counts_every_choice_in_order():
    counts = scoring.recommendation_counts(["yes", "strong_yes", "yes"], ["strong_no", "no", "yes", "strong_yes"])
    assert list(counts.items()) == [("strong_no", 0), ("no", 0), ("yes", 2), ("strong_yes", 1)]

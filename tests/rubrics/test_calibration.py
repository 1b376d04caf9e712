"""Calibration statistics against Krippendorff's published worked example and the `krippendorff` package."""

import math

import krippendorff
import numpy as np
import pytest

from rubrics.calibration import (
    LEVELS,
    coincidence_matrix,
    krippendorff_alpha,
    leniency,
    reliability_matrix,
    spread,
)

NAN = np.nan

# K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: 4 observers × 12 units,
# values 1..5, with missing values. Published: nominal 0.743, ordinal 0.815, interval 0.849.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)
PUBLISHED_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849}


@pytest.mark.parametrize("level", LEVELS)
def test_published_worked_example(level):
    alpha = krippendorff_alpha(KRIPPENDORFF_2011, level)

    assert round(alpha, 3) == PUBLISHED_ALPHA[level]
    assert alpha == pytest.approx(krippendorff.alpha(KRIPPENDORFF_2011, level_of_measurement=level), abs=1e-12)


def test_worked_example_coincidence_matrix_matches_the_paper():
    values, coincidences = coincidence_matrix(KRIPPENDORFF_2011)

    # The paper's table, in thirds; unit 12 (a single rating) is not pairable and drops out.
    published_thirds = [
        [21, 4, 1, 1, 0],
        [4, 30, 4, 1, 0],
        [1, 4, 24, 1, 0],
        [1, 1, 1, 12, 0],
        [0, 0, 0, 0, 9],
    ]
    assert values.tolist() == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(coincidences * 3, published_thirds, atol=1e-12)
    assert coincidences.sum(axis=0).tolist() == pytest.approx([9, 13, 10, 5, 3])


def _random_reliability_data(rng, raters, units, missing, values):
    data = rng.choice(values, size=(raters, units)).astype(float)
    data[rng.random((raters, units)) < missing] = NAN
    return data


ORACLE_SHAPES = [(2, 5, 0.0), (3, 20, 0.2), (4, 12, 0.3), (6, 40, 0.5), (10, 8, 0.6), (5, 100, 0.1)]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("raters", "units", "missing"), ORACLE_SHAPES)
@pytest.mark.parametrize("level", LEVELS)
def test_matches_krippendorff_package_on_random_ratings(seed, raters, units, missing, level):
    rng = np.random.default_rng([seed, raters, units])
    data = _random_reliability_data(rng, raters, units, missing, values=[1, 2, 3, 4])
    try:
        expected = krippendorff.alpha(data, level_of_measurement=level)
    except ValueError:  # the package refuses data with no pairable unit or a single value
        expected = math.nan

    alpha = krippendorff_alpha(data, level)

    assert alpha == pytest.approx(expected, abs=1e-10, nan_ok=True)


@pytest.mark.parametrize("seed", range(5))
def test_matches_krippendorff_package_on_correlated_ratings(seed):
    """Raters who mostly agree (true level + noise) push alpha well above zero, where bugs show more."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 5, size=30)
    data = np.clip(truth + rng.choice([-1, 0, 0, 0, 1], size=(5, 30)), 1, 4).astype(float)
    data[rng.random(data.shape) < 0.25] = NAN

    for level in LEVELS:
        expected = krippendorff.alpha(data, level_of_measurement=level)
        assert expected > 0.3
        assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("seed", range(5))
def test_interval_matches_package_on_real_valued_ratings(seed):
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(4, 15)).round(2)
    data[rng.random(data.shape) < 0.2] = NAN

    expected = krippendorff.alpha(data, level_of_measurement="interval")

    assert krippendorff_alpha(data, "interval") == pytest.approx(expected, abs=1e-10)


def test_units_with_one_rating_do_not_change_alpha():
    with_singletons = np.hstack([KRIPPENDORFF_2011, [[4], [NAN], [NAN], [NAN]], [[NAN], [NAN], [1], [NAN]]])

    for level in LEVELS:
        assert krippendorff_alpha(with_singletons, level) == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011, level))


def test_perfect_agreement_is_one_and_systematic_disagreement_is_negative():
    assert krippendorff_alpha([[1, 2, 3, 4], [1, 2, 3, 4]]) == pytest.approx(1.0)
    assert krippendorff_alpha([[1, 2], [2, 1]]) == pytest.approx(-0.5)


@pytest.mark.parametrize(
    "data",
    [
        [[3, 3, 3], [3, 3, 3]],  # one value everywhere: the package raises
        [[1, 2, 3], [NAN, NAN, NAN]],  # no unit rated twice: the package raises
        [[2, 2, 4], [2, 2, NAN]],  # variation only in an unpairable unit: the package returns nan (0/0)
        np.full((3, 4), NAN),
        np.zeros((0, 0)),
    ],
)
def test_undefined_alpha_is_nan(data):
    for level in LEVELS:
        assert math.isnan(krippendorff_alpha(data, level))


def test_rejects_unknown_level_and_wrong_shape():
    with pytest.raises(ValueError, match="level of measurement"):
        krippendorff_alpha(KRIPPENDORFF_2011, "ratio")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="2-D"):
        krippendorff_alpha([1, 2, 3])


def test_ordinal_alpha_depends_only_on_the_order_of_values():
    """Ordinal distances use ranks and marginals only, so a monotone relabelling changes nothing."""
    relabelled = np.where(np.isnan(KRIPPENDORFF_2011), NAN, KRIPPENDORFF_2011**3 + 10)

    assert krippendorff_alpha(relabelled, "ordinal") == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011, "ordinal"))
    assert krippendorff_alpha(relabelled, "interval") != pytest.approx(
        krippendorff_alpha(KRIPPENDORFF_2011, "interval")
    )


def test_lenient_rater_is_offset_by_one():
    rng = np.random.default_rng(7)
    truth = rng.integers(1, 4, size=25).astype(float)  # 1..3, so +1 stays on the 1..4 scale
    data = np.vstack([truth, truth, truth, truth + 1])
    data[0, :5] = NAN  # missing ratings must not disturb the offsets

    result = leniency(data)

    assert result.offset[3] == pytest.approx(1.0)
    assert result.offset[0] == pytest.approx(-1.0 / 3.0)  # 1/3 below the mean of the other three
    # Where rater 0 is missing, the others sit 1/2 below a panel of one peer and the lenient rater.
    np.testing.assert_allclose(result.offset[1:3], (20 * (-1.0 / 3.0) + 5 * (-1.0 / 2.0)) / 25)
    assert result.count.tolist() == [20, 25, 25, 25]


def test_leniency_excludes_the_rater_from_the_panel_mean():
    result = leniency([[1, 1], [3, 3]])

    assert result.offset.tolist() == [-2.0, 2.0]


def test_leniency_ignores_units_nobody_else_rated():
    result = leniency([[4, 2, NAN], [NAN, 3, NAN], [NAN, NAN, 1]])

    assert result.offset[0] == pytest.approx(-1.0)
    assert result.count.tolist() == [1, 1, 0]
    assert math.isnan(result.offset[2])


def test_spread_per_rater_and_per_unit():
    data = [[1, 4, 2, NAN], [1, 1, 2, 3], [NAN, NAN, NAN, NAN]]

    result = spread(data)

    assert result.rater_std[0] == pytest.approx(np.std([1, 4, 2]))
    assert result.rater_std[1] == pytest.approx(np.std([1, 1, 2, 3]))
    assert math.isnan(result.rater_std[2])
    assert result.rater_count.tolist() == [3, 4, 0]
    assert result.unit_std[:3].tolist() == pytest.approx([0.0, 1.5, 0.0])
    assert result.unit_range[:3].tolist() == [0.0, 3.0, 0.0]
    assert math.isnan(result.unit_std[3])  # one rating: no disagreement to measure
    assert math.isnan(result.unit_range[3])
    assert result.unit_count.tolist() == [2, 2, 2, 1]


def test_reliability_matrix_from_rows():
    rows = [
        ("ann", ("cand1", "crit1"), 3),
        ("bob", ("cand1", "crit1"), 4),
        ("bob", ("cand2", "crit1"), 2),
        ("cat", ("cand1", "crit1"), 3),
    ]

    result = reliability_matrix(rows)

    assert result.raters == ["ann", "bob", "cat"]
    assert result.units == [("cand1", "crit1"), ("cand2", "crit1")]
    np.testing.assert_array_equal(result.matrix, [[3, NAN], [4, 2], [3, NAN]])


def test_reliability_matrix_round_trips_the_worked_example():
    rows = [
        (rater, unit, score)
        for rater, scores in enumerate(KRIPPENDORFF_2011)
        for unit, score in enumerate(scores)
        if not np.isnan(score)
    ]

    result = reliability_matrix(sorted(rows, key=lambda row: (row[0], row[1])))

    np.testing.assert_array_equal(result.matrix[:, np.argsort(result.units)], KRIPPENDORFF_2011)
    assert krippendorff_alpha(result.matrix) == pytest.approx(0.815, abs=5e-4)


def test_reliability_matrix_rejects_a_rater_rating_a_unit_twice():
    with pytest.raises(ValueError, match="more than once"):
        reliability_matrix([(1, "u", 2), (1, "u", 3)])


def test_reliability_matrix_of_no_rows_is_empty():
    result = reliability_matrix([])

    assert result.matrix.shape == (0, 0)
    assert math.isnan(krippendorff_alpha(result.matrix))

"""Interviewer calibration statistics: agreement, leniency and spread of ratings.

Pure numpy, no Django: the selectors turn ``Rating`` rows into ``(rater_id, unit_id, score)`` triples,
``reliability_matrix`` shapes them, and the functions here compute on the matrix. Every matrix is
raters × units with ``nan`` for "this rater did not rate this unit". A unit is one thing several
interviewers could rate independently, e.g. ``(candidate_id, criterion_id, question_id)``.

Krippendorff's alpha follows K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011):
build the coincidence matrix from the pairable values (units with at least two ratings), then
``alpha = 1 - D_o / D_e`` with the distance of the chosen level of measurement.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Level = Literal["nominal", "ordinal", "interval"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval")
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ReliabilityData:
    """A raters × units matrix (``nan`` = missing) with the ids its rows and columns stand for."""

    matrix: FloatArray
    raters: list[Hashable]
    units: list[Hashable]


@dataclass(frozen=True)
class Leniency:
    """Per rater: mean of (own score - mean of the other raters' scores) over the units they share.

    ``offset[i]`` is ``nan`` when ``count[i]`` is 0, i.e. the rater never rated a unit anyone else rated.
    """

    offset: FloatArray
    count: IntArray


@dataclass(frozen=True)
class Spread:
    """Population standard deviations (ddof=0), descriptive rather than estimates.

    ``rater_std[i]``: how much of the scale rater i uses (``nan`` without ratings). ``unit_std[j]`` and
    ``unit_range[j]``: how far the panel disagrees on unit j (``nan`` with fewer than two ratings).
    """

    rater_std: FloatArray
    rater_count: IntArray
    unit_std: FloatArray
    unit_range: FloatArray
    unit_count: IntArray


def reliability_matrix(rows: Iterable[tuple[Hashable, Hashable, float]]) -> ReliabilityData:
    """Build the raters × units matrix from ``(rater_id, unit_id, score)`` rows.

    Raters and units are listed in order of first appearance, so ordering the rows orders the matrix.
    A rater scoring the same unit twice is a caller error (the unit key is too coarse): ``ValueError``.
    """
    rows = list(rows)
    raters = list(dict.fromkeys(rater for rater, _, _ in rows))
    units = list(dict.fromkeys(unit for _, unit, _ in rows))
    rater_index = {rater: i for i, rater in enumerate(raters)}
    unit_index = {unit: j for j, unit in enumerate(units)}
    matrix = np.full((len(raters), len(units)), np.nan)
    for rater, unit, score in rows:
        i, j = rater_index[rater], unit_index[unit]
        if not np.isnan(matrix[i, j]):
            raise ValueError(f"rater {rater!r} rated unit {unit!r} more than once")
        matrix[i, j] = float(score)
    return ReliabilityData(matrix=matrix, raters=raters, units=units)


def krippendorff_alpha(reliability_data: npt.ArrayLike, level: Level = "ordinal") -> float:
    """Krippendorff's alpha of a raters × units matrix (``nan`` = missing) at the given level.

    Units with fewer than two ratings are not pairable and are dropped. Returns ``nan`` when alpha is
    undefined: no pairable unit, or no variation among the pairable values (``D_e = 0``; Krippendorff
    2011 calls this case undefined). The ``krippendorff`` package raises ``ValueError`` for the first
    and for a single value in the whole matrix, and returns ``nan`` (0/0) otherwise; here it is always
    ``nan``, so a calibration page where everyone agreed on one value shows "undefined", not a crash.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r}; expected one of {', '.join(LEVELS)}")
    values, coincidences = coincidence_matrix(reliability_data)
    if values.size < 2:
        return float("nan")
    marginals = coincidences.sum(axis=0)
    distances = _distances(values, marginals, level)
    expected = np.outer(marginals, marginals) - np.diag(marginals)
    expected_disagreement = float((expected * distances).sum())
    if expected_disagreement == 0.0:
        return float("nan")
    observed_disagreement = float((coincidences * distances).sum())
    return 1.0 - (marginals.sum() - 1.0) * observed_disagreement / expected_disagreement


def coincidence_matrix(reliability_data: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """The distinct pairable values (sorted) and Krippendorff's coincidence matrix over them.

    ``o[c, k]`` sums, over units with ``m_u >= 2`` ratings, the ordered pairs of ratings valued ``c`` and
    ``k`` from different raters, divided by ``m_u - 1``; its row sums are the pairable value counts.
    Also the data behind a "who confuses which levels" heat map.
    """
    values, counts = _value_counts(_as_matrix(reliability_data))
    if counts.shape[0] == 0:
        return values, np.zeros((0, 0))
    return values, _coincidences(counts)


def leniency(reliability_data: npt.ArrayLike) -> Leniency:
    """Each rater's mean offset from the rest of the panel on the units they rated.

    For rater i and a unit j they rated along with at least one other rater, the offset is
    ``score[i, j] - mean(score[others, j])``; the rater's own score is left out of the panel mean so a
    lone harsh rater on a two-person panel shows the full gap rather than half of it.
    """
    data = _as_matrix(reliability_data)
    rated = ~np.isnan(data)
    filled = np.where(rated, data, 0.0)
    others_count = rated.sum(axis=0)[np.newaxis, :] - rated
    usable = rated & (others_count > 0)
    others_mean = np.divide(
        filled.sum(axis=0)[np.newaxis, :] - filled,
        others_count,
        out=np.zeros_like(filled),
        where=usable,
    )
    offsets = np.where(usable, filled - others_mean, 0.0)
    count = usable.sum(axis=1).astype(np.int64)
    offset = np.divide(offsets.sum(axis=1), count, out=np.full(count.shape, np.nan), where=count > 0)
    return Leniency(offset=offset, count=count)


def spread(reliability_data: npt.ArrayLike) -> Spread:
    """How widely each rater uses the scale, and how much the panel disagrees on each unit."""
    data = _as_matrix(reliability_data)
    rated = ~np.isnan(data)
    rater_count = rated.sum(axis=1).astype(np.int64)
    unit_count = rated.sum(axis=0).astype(np.int64)
    rater_std = _nanstd(data, axis=1, enough=rater_count > 0)
    unit_std = _nanstd(data, axis=0, enough=unit_count > 1)
    unit_range = np.full(unit_count.shape, np.nan)
    pairable = unit_count > 1
    if pairable.any():
        unit_range[pairable] = np.nanmax(data[:, pairable], axis=0) - np.nanmin(data[:, pairable], axis=0)
    return Spread(
        rater_std=rater_std, rater_count=rater_count, unit_std=unit_std, unit_range=unit_range, unit_count=unit_count
    )


def _as_matrix(reliability_data: npt.ArrayLike) -> FloatArray:
    data = np.asarray(reliability_data, dtype=np.float64)
    if data.ndim != 2:
        raise ValueError(f"reliability data must be raters × units (2-D), got shape {data.shape}")
    return data


def _value_counts(data: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The sorted distinct pairable values, and per pairable unit how many raters gave each (units × values)."""
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    values = np.unique(pairable[~np.isnan(pairable)])
    counts = (pairable.T[:, :, np.newaxis] == values[np.newaxis, np.newaxis, :]).sum(axis=1)
    return values, counts.astype(np.float64)


def _coincidences(counts: FloatArray) -> FloatArray:
    """o[c, k] = sum over units of (ordered pairs of ratings valued c, k from different raters) / (m_u - 1)."""
    weights = 1.0 / (counts.sum(axis=1) - 1.0)
    weighted = counts * weights[:, np.newaxis]
    return np.asarray(weighted.T @ counts - np.diag(weighted.sum(axis=0)), dtype=np.float64)


def _distances(values: FloatArray, marginals: FloatArray, level: Level) -> FloatArray:
    """Squared distance delta²(c, k) between every pair of values, per Krippendorff (2011)."""
    if level == "nominal":
        return (values[:, np.newaxis] != values[np.newaxis, :]).astype(np.float64)
    if level == "interval":
        return np.asarray((values[:, np.newaxis] - values[np.newaxis, :]) ** 2, dtype=np.float64)
    # ordinal: delta(c, k) = sum of n_g for g from c to k, minus (n_c + n_k) / 2.
    cumulative = np.concatenate(([0.0], np.cumsum(marginals)))
    index = np.arange(values.size)
    low, high = np.minimum.outer(index, index), np.maximum.outer(index, index)
    between = cumulative[high + 1] - cumulative[low]
    return np.asarray((between - (marginals[low] + marginals[high]) / 2.0) ** 2, dtype=np.float64)


def _nanstd(data: FloatArray, *, axis: int, enough: npt.NDArray[np.bool_]) -> FloatArray:
    result = np.full(enough.shape, np.nan)
    if not enough.any():
        return result
    selected = data[enough, :] if axis == 1 else data[:, enough]
    result[enough] = np.nanstd(selected, axis=axis)
    return result

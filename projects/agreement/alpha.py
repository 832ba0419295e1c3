"""Krippendorff's α by the coincidence-matrix method, and its percentile bootstrap over
units (see the package's docstring)."""

from dataclasses import dataclass

import numpy as np

NOMINAL, ORDINAL, INTERVAL, RATIO = "nominal", "ordinal", "interval", "ratio"
METRICS = (NOMINAL, ORDINAL, INTERVAL, RATIO)


@dataclass(frozen=True)
class Ratings:
    """Ratings in long form: parallel arrays of unit codes, rater codes and values (floats),
    with the labels the codes stand for."""

    unit: np.ndarray
    rater: np.ndarray
    value: np.ndarray
    unit_labels: tuple
    rater_labels: tuple

    @classmethod
    def of(cls, triples) -> "Ratings":
        """From (unit, rater, value) triples; labels are kept in order of first appearance."""
        units: dict = {}
        raters: dict = {}
        unit_codes, rater_codes, values = [], [], []
        for unit, rater, value in triples:
            unit_codes.append(units.setdefault(unit, len(units)))
            rater_codes.append(raters.setdefault(rater, len(raters)))
            values.append(float(value))
        return cls(
            unit=np.asarray(unit_codes, dtype=np.int64),
            rater=np.asarray(rater_codes, dtype=np.int64),
            value=np.asarray(values, dtype=np.float64),
            unit_labels=tuple(units),
            rater_labels=tuple(raters),
        )

    @property
    def count(self) -> int:
        return len(self.value)


def pairable(unit: np.ndarray, value: np.ndarray):
    """The values of units with at least two values, with dense unit codes and the number of
    values per unit."""
    unit = np.asarray(unit)
    value = np.asarray(value, dtype=np.float64)
    _labels, codes = np.unique(unit, return_inverse=True)
    sizes = np.bincount(codes)
    keep = sizes[codes] >= 2
    _labels, codes = np.unique(codes[keep], return_inverse=True)
    return codes, value[keep], np.bincount(codes) if keep.any() else np.zeros(0, np.int64)


def coincidence_matrix(unit, value) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values in order, the coincidence matrix o): o[c, k] = Σ over units of
    the number of ordered pairs (c, k) of values of different raters in the unit, each pair
    weighted 1 / (m_u − 1), m_u the unit's number of values (Krippendorff 2011, §B)."""
    codes, values, sizes = pairable(unit, value)
    levels, level = np.unique(values, return_inverse=True)
    counts = np.zeros((len(sizes), len(levels)))
    np.add.at(counts, (codes, level), 1.0)
    weighted = counts / (sizes - 1.0)[:, None]
    matrix = counts.T @ weighted - np.diag(weighted.sum(axis=0))
    return levels, matrix


def _delta_squared(levels: np.ndarray, marginals: np.ndarray, metric: str) -> np.ndarray:
    """The metric's δ²(c, k) between the levels, as in Krippendorff (2011)."""
    c, k = np.meshgrid(levels, levels, indexing="ij")
    if metric == NOMINAL:
        return (c != k).astype(float)
    if metric == INTERVAL:
        return (c - k) ** 2
    if metric == RATIO:
        total = c + k
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.where(total == 0, 0.0, (c - k) / np.where(total == 0, 1, total))
        return delta**2
    if metric == ORDINAL:
        ranks = np.cumsum(marginals) - marginals / 2.0
        return np.subtract.outer(ranks, ranks) ** 2
    raise ValueError(f"unknown metric: {metric}")


def alpha_from_coincidences(levels, matrix, metric: str) -> float | None:
    """α = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck; None when no disagreement is
    even possible (fewer than two pairable values, or a single value throughout)."""
    marginals = matrix.sum(axis=1)
    n = marginals.sum()
    if n < 2:
        return None
    delta = _delta_squared(np.asarray(levels, dtype=float), marginals, metric)
    expected = float(marginals @ delta @ marginals)
    if expected <= 0:
        return None
    return 1.0 - (n - 1.0) * float((matrix * delta).sum()) / expected


def _mid_ranks(values: np.ndarray) -> np.ndarray:
    """Each value's mid-rank among the values: Σ_{g<c} n_g + (n_c − 1)/2 + 1; only its
    differences matter (the ordinal metric)."""
    levels, level, frequencies = np.unique(values, return_inverse=True, return_counts=True)
    ranks = np.cumsum(frequencies) - frequencies / 2.0
    return ranks[level]


def _interval_alpha(codes, values, sizes) -> float | None:
    n = len(values)
    if n < 2:
        return None
    sums = np.bincount(codes, weights=values)
    squares = np.bincount(codes, weights=values * values)
    within = squares - sums * sums / sizes
    total = float((values * values).sum() - values.sum() ** 2 / n)
    if total <= 0:
        return None
    observed = float((sizes * within / (sizes - 1.0)).sum())
    return 1.0 - (n - 1.0) * observed / (n * total)


def _nominal_alpha(codes, values, sizes) -> float | None:
    n = len(values)
    if n < 2:
        return None
    _levels, level, frequencies = np.unique(values, return_inverse=True, return_counts=True)
    expected = float(n * n - (frequencies.astype(float) ** 2).sum())
    if expected <= 0:
        return None
    _pairs, same = np.unique(codes * (level.max() + 1) + level, return_counts=True)
    unit_of_pair = _pairs // (level.max() + 1)
    agreeing = np.bincount(unit_of_pair, weights=same.astype(float) ** 2, minlength=len(sizes))
    observed = float(((sizes.astype(float) ** 2 - agreeing) / (sizes - 1.0)).sum())
    return 1.0 - (n - 1.0) * observed / expected


def _ratio_alpha(codes, values, sizes) -> float | None:
    n = len(values)
    if n < 2:
        return None
    order = np.argsort(codes, kind="stable")
    codes, values = codes[order], values[order]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    observed = 0.0
    # Units of the same size at once: every ordered pair of their values.
    for size in np.unique(sizes):
        block = values[(starts[sizes == size])[:, None] + np.arange(size)]
        first, second = block[:, :, None], block[:, None, :]
        total = first + second
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.where(total == 0, 0.0, (first - second) / np.where(total == 0, 1, total))
        observed += float((delta**2).sum()) / (size - 1.0)
    levels, frequencies = np.unique(values, return_counts=True)
    frequencies = frequencies.astype(float)
    expected = 0.0
    for start in range(0, len(levels), 512):  # bounded memory for many distinct values
        chunk = levels[start : start + 512, None]
        total = chunk + levels[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.where(total == 0, 0.0, (chunk - levels) / np.where(total == 0, 1, total))
        expected += float(frequencies[start : start + 512] @ (delta**2) @ frequencies)
    if expected <= 0:
        return None
    return 1.0 - (n - 1.0) * observed / expected


def krippendorff_alpha(unit, value, metric: str = INTERVAL) -> float | None:
    """Krippendorff's α of ratings given as parallel arrays (unit of each value, value);
    None when it is undefined (no pairable unit, or no variation at all)."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric: {metric}")
    codes, values, sizes = pairable(unit, value)
    if metric == INTERVAL:
        return _interval_alpha(codes, values, sizes)
    if metric == ORDINAL:
        return _interval_alpha(codes, _mid_ranks(values), sizes)
    if metric == NOMINAL:
        return _nominal_alpha(codes, values, sizes)
    return _ratio_alpha(codes, values, sizes)


def bootstrap_alpha(
    unit, value, metric: str = INTERVAL, *, samples: int = 1000, seed: int = 0, level=0.95
) -> tuple[float, float] | None:
    """A percentile bootstrap interval of α, units resampled with replacement (each
    resample keeps whole units, so the dependence between a unit's ratings is kept).

    For the interval metric every resample is computed at once from each unit's sums; for
    the other metrics each resample goes through `krippendorff_alpha`. Seeded, so that the
    same data give the same interval."""
    codes, values, sizes = pairable(unit, value)
    units = len(sizes)
    if units < 2:
        return None
    weights = resample_weights(units, samples, seed)
    if metric in (INTERVAL, ORDINAL):
        if metric == ORDINAL:
            # Mid-ranks of the whole sample: a resample's own would shift by ties only.
            values = _mid_ranks(values)
        return percentile_interval(interval_alphas(weights, unit_sums(codes, values, units)), level)
    order = np.argsort(codes, kind="stable")
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    sorted_values = values[order]
    alphas = []
    for row in weights.astype(int):
        chosen = np.repeat(np.arange(units), row)
        index = np.concatenate([np.arange(starts[u], starts[u] + sizes[u]) for u in chosen])
        labels = np.repeat(np.arange(len(chosen)), sizes[chosen])
        found = krippendorff_alpha(labels, sorted_values[index], metric)
        alphas.append(np.nan if found is None else found)
    return percentile_interval(alphas, level)


def unit_sums(unit, value, units: int) -> np.ndarray:
    """Per unit code in range(units): (number of values, Σ values, Σ values², within-unit
    disagreement m·SS/(m − 1)), zero for a unit with fewer than two values (not pairable):
    all the interval α of any resample of the units needs."""
    unit = np.asarray(unit)
    value = np.asarray(value, dtype=np.float64)
    sizes = np.bincount(unit, minlength=units).astype(float)
    sums = np.bincount(unit, weights=value, minlength=units)
    squares = np.bincount(unit, weights=value * value, minlength=units)
    pairable = sizes >= 2
    safe = np.where(pairable, sizes, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = np.where(pairable, sizes * (squares - sums * sums / safe) / (safe - 1.0), 0.0)
    table = np.stack([sizes, sums, squares, observed], axis=1)
    table[~pairable] = 0.0
    return table


def resample_weights(units: int, samples: int, seed: int = 0) -> np.ndarray:
    """How many times each of `units` units is drawn in each of `samples` resamples with
    replacement (samples × units), seeded."""
    rng = np.random.default_rng(seed)
    drawn = rng.integers(0, units, size=(samples, units)) + (np.arange(samples) * units)[:, None]
    counts = np.bincount(drawn.ravel(), minlength=samples * units).reshape(samples, units)
    return counts.astype(float)


def interval_alphas(weights: np.ndarray, sums: np.ndarray) -> np.ndarray:
    """The interval α of each resample (rows of `weights`) from `unit_sums`; NaN where a
    resample leaves it undefined."""
    n, total, squares, observed = (weights @ sums).T
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = squares - total * total / n
        alphas = 1.0 - (n - 1.0) * observed / (n * spread)
    return np.where((n >= 2) & (spread > 0), alphas, np.nan)


def percentile_interval(alphas, level: float = 0.95) -> tuple[float, float] | None:
    alphas = np.asarray(alphas)
    alphas = alphas[np.isfinite(alphas)]
    if not len(alphas):
        return None
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(alphas, [tail, 100.0 - tail])
    return float(low), float(high)

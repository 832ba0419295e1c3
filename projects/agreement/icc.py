"""The six intraclass correlations of Shrout & Fleiss (1979) and Spearman–Brown."""

from dataclasses import dataclass

import numpy as np

from projects.agreement.alpha import pairable


@dataclass(frozen=True)
class ICCs:
    """Shrout & Fleiss (1979) intraclass correlations; None where the design does not allow
    one (ICC(2,·) and ICC(3,·) need every judge to rate every target). `k` is the number of
    judges the ICC(·,k) refer to (for an unbalanced one-way design, the mean size k₀)."""

    targets: int
    k: float
    icc1_1: float | None
    icc1_k: float | None
    icc2_1: float | None = None
    icc2_k: float | None = None
    icc3_1: float | None = None
    icc3_k: float | None = None

    @property
    def crossed(self) -> bool:
        return self.icc2_1 is not None


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


def icc(unit, rater, value) -> ICCs | None:
    """The six Shrout & Fleiss ICCs when every rater rated every unit once (a crossed,
    complete design), otherwise the one-way ICC(1,1) and ICC(1,k) over the units with at
    least two ratings (unbalanced: k₀ = (N − Σ m_u² / N) / (a − 1)). None under two such
    units."""
    unit = np.asarray(unit)
    rater = np.asarray(rater)
    value = np.asarray(value, dtype=np.float64)
    codes, values, sizes = pairable(unit, value)
    targets = len(sizes)
    if targets < 2:
        return None
    n = len(values)
    grand = values.mean()
    means = np.bincount(codes, weights=values) / sizes
    between = float((sizes * (means - grand) ** 2).sum())
    within = float(((values - means[codes]) ** 2).sum())
    bms = between / (targets - 1)
    if n == targets:
        return None
    wms = within / (n - targets)
    k0 = (n - float((sizes.astype(float) ** 2).sum()) / n) / (targets - 1)
    icc1_1 = _ratio(bms - wms, bms + (k0 - 1.0) * wms)
    icc1_k = _ratio(bms - wms, bms)
    _u, unit_codes = np.unique(unit, return_inverse=True)
    _r, rater_codes = np.unique(rater, return_inverse=True)
    units, raters = len(_u), len(_r)
    cells = np.unique(unit_codes * raters + rater_codes)
    if len(value) != units * raters or len(cells) != units * raters or raters < 2:
        return ICCs(targets=targets, k=k0, icc1_1=icc1_1, icc1_k=icc1_k)
    table = np.empty((units, raters))
    table[unit_codes, rater_codes] = value
    k = raters
    judges = float((units * (table.mean(axis=0) - table.mean()) ** 2).sum())
    jms = judges / (k - 1)
    ems = (within - judges) / ((units - 1) * (k - 1))
    return ICCs(
        targets=units,
        k=float(k),
        icc1_1=icc1_1,
        icc1_k=icc1_k,
        icc2_1=_ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / units),
        icc2_k=_ratio(bms - ems, bms + (jms - ems) / units),
        icc3_1=_ratio(bms - ems, bms + (k - 1) * ems),
        icc3_k=_ratio(bms - ems, bms),
    )


def spearman_brown(reliability: float, ratings: float) -> float:
    """The reliability of the mean of `ratings` ratings, each of the given reliability."""
    return ratings * reliability / (1.0 + (ratings - 1.0) * reliability)


def ratings_needed(reliability: float | None, target: float = 0.80) -> int | None:
    """The smallest number of ratings per unit whose mean reaches `target` (Spearman–Brown),
    from the reliability of one rating; None when one rating has no reliability at all."""
    if reliability is None or reliability <= 0:
        return None
    if reliability >= target:
        return 1
    needed = target * (1.0 - reliability) / (reliability * (1.0 - target))
    # A hair of tolerance so that an exact 3.0 is not read as 3.0000000001.
    return int(np.ceil(needed - 1e-9))

"""Agreement between reviewers (design §4, "Judgement quality"): pure functions of numpy
arrays, shared by the `agreement` command and the call's "Qualité du jugement" panel.

- Krippendorff's α for the nominal, ordinal, interval and ratio metrics, by the coincidence
  matrix method of Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability": a unit
  (project) with a single value is not pairable and drops out; a missing rating (N/A, or a
  reviewer who did not score the project) is simply absent. `coincidence_matrix` builds the
  textbook matrix; `krippendorff_alpha` uses its exact algebraic reductions, which cost O(N)
  instead of O(V²) when values are many (100-point totals): Σ o_ck (c − k)² over the matrix
  is Σ_u 2·m_u·SS_u / (m_u − 1) and Σ n_c·n_k·(c − k)² is 2·n·SS, and the ordinal metric is
  the interval one on the values' mid-ranks (Σ_{g=c..k} n_g − (n_c + n_k)/2 = r_k − r_c).
- The six intraclass correlations of Shrout & Fleiss (1979), where the design allows them:
  ICC(1,·) needs only several ratings per target (one-way: each target has its own judges,
  as in a call); ICC(2,·) and ICC(3,·) need every judge to rate every target.
- Spearman–Brown: the number of ratings per target needed to reach a reliability.
- A percentile bootstrap over units for α's confidence interval.
"""

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


def _pairable(unit: np.ndarray, value: np.ndarray):
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
    codes, values, sizes = _pairable(unit, value)
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
    codes, values, sizes = _pairable(unit, value)
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
    codes, values, sizes = _pairable(unit, value)
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
    codes, values, sizes = _pairable(unit, value)
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


class RatingsError(ValueError):
    """A ratings file that cannot be read, with a message in French saying where and why."""


def _number(text: str) -> float:
    """A rating as written in a CSV file: "2", "2.5" or, French style, "2,5"."""
    value = float(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
    if not np.isfinite(value):
        raise ValueError(text)
    return value


def ratings_from_rows(rows) -> Ratings:
    """Ratings in long form from the rows of a CSV file (lists of strings): a header row,
    then one row per rating: unit, rater, value; further columns are ignored and a missing
    rating is an absent row (an empty value is read as missing too)."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise RatingsError(
            "Le fichier est vide : il faut une ligne d'en-tête puis une note par ligne."
        )
    if len(header) < 3:
        raise RatingsError(
            "La ligne d'en-tête a moins de trois colonnes : il faut unité, évaluateur, note "
            "(séparées par des virgules ou des points-virgules)."
        )
    triples, seen = [], {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            raise RatingsError(
                f"Ligne {line} : trois colonnes attendues (unité, évaluateur, note)."
            )
        unit, rater, text = row[0].strip(), row[1].strip(), row[2].strip()
        if not unit or not rater:
            raise RatingsError(f"Ligne {line} : l'unité et l'évaluateur sont obligatoires.")
        if not text:
            continue
        try:
            value = _number(text)
        except ValueError:
            raise RatingsError(f"Ligne {line} : « {text} » n'est pas un nombre.") from None
        if (unit, rater) in seen:
            raise RatingsError(
                f"Ligne {line} : l'évaluateur « {rater} » a déjà noté l'unité « {unit} » "
                f"(ligne {seen[unit, rater]}) ; une seule note par unité et par évaluateur."
            )
        seen[unit, rater] = line
        triples.append((unit, rater, value))
    if not triples:
        raise RatingsError("Le fichier ne contient aucune note.")
    return Ratings.of(triples)


def _rounded(value: float | None, places: int = 6) -> float | None:
    return None if value is None else round(float(value), places)


def agreement_report(ratings: Ratings) -> dict:
    """Every statistic the data allow, as plain data (the `agreement` command's JSON): α for
    the four metrics, the Shrout & Fleiss ICCs (None where the design does not allow them)
    and the ratings per unit needed to reach 0.80 from ICC(1,1)."""
    units = np.bincount(np.unique(ratings.unit, return_inverse=True)[1])
    found = icc(ratings.unit, ratings.rater, ratings.value)
    ratio_allowed = bool((ratings.value >= 0).all())
    return {
        "ratings": ratings.count,
        "units": len(ratings.unit_labels),
        "pairable_units": int((units >= 2).sum()),
        "raters": len(ratings.rater_labels),
        "alpha": {
            metric: _rounded(
                krippendorff_alpha(ratings.unit, ratings.value, metric)
                if metric != RATIO or ratio_allowed
                else None
            )
            for metric in METRICS
        },
        "icc": None
        if found is None
        else {
            "design": "crossed" if found.crossed else "one-way",
            "k": _rounded(found.k),
            "ICC(1,1)": _rounded(found.icc1_1),
            "ICC(2,1)": _rounded(found.icc2_1),
            "ICC(3,1)": _rounded(found.icc3_1),
            "ICC(1,k)": _rounded(found.icc1_k),
            "ICC(2,k)": _rounded(found.icc2_k),
            "ICC(3,k)": _rounded(found.icc3_k),
        },
        "ratings_needed_for_0.80": None if found is None else ratings_needed(found.icc1_1),
    }


@dataclass(frozen=True)
class ReviewerEffects:
    """The additive model score = μ + project effect + reviewer offset + noise, with the
    reviewers' offsets as random effects (shrunk towards 0) and the projects' as fixed
    effects. Arrays are indexed by the dense project and reviewer codes given."""

    corrected: np.ndarray  # per project: mean of (score − reviewer offset)
    offsets: np.ndarray  # per reviewer: the offset's posterior mean (BLUP)
    offset_sd: np.ndarray  # per reviewer: its posterior standard deviation
    reviews: np.ndarray  # per reviewer: reviews on projects with at least two reviews
    noise_sd: float  # σ_e: the residual standard deviation of one score
    offset_spread: float  # σ_b: the standard deviation of reviewers' offsets


def reviewer_effects(project, reviewer, value, *, iterations: int = 100) -> ReviewerEffects:
    """Fit the additive model by restricted maximum likelihood (EM on the variance
    components), the projects' effects profiled out.

    Given the variances, each offset is its best linear unbiased prediction: the system
    (A + λI) b = r with λ = σ_e² / σ_b², A the reviewers' information (per project, the
    centring matrix I − J/m_p over its reviewers) and r the reviewers' deviations from the
    projects' means; so a reviewer with three shared reviews is pulled to 0 more than one with
    thirty. A project scored once tells nothing of its reviewer and adds nothing to A."""
    project = np.asarray(project)
    reviewer = np.asarray(reviewer)
    value = np.asarray(value, dtype=np.float64)
    _p, project = np.unique(project, return_inverse=True)
    _r, reviewer = np.unique(reviewer, return_inverse=True)
    projects, reviewers = len(_p), len(_r)
    sizes = np.bincount(project, minlength=projects).astype(float)
    means = np.bincount(project, weights=value, minlength=projects) / sizes
    shared = sizes[project] >= 2
    # A = diag(n_r) − Zᵀ diag(1/m_p) Z over projects with at least two reviews.
    incidence = np.zeros((projects, reviewers))
    np.add.at(incidence, (project[shared], reviewer[shared]), 1.0)
    counts = incidence.sum(axis=0)
    scaled = incidence / np.where(sizes >= 2, sizes, np.inf)[:, None]
    information = np.diag(counts) - incidence.T @ scaled
    deviations = np.bincount(
        reviewer[shared], weights=(value - means[project])[shared], minlength=reviewers
    )
    eigenvalues, vectors = np.linalg.eigh(information)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    projected = vectors.T @ deviations
    # Degrees of freedom of the residual: the shared reviews less one mean per project.
    residual_df = float(shared.sum() - (sizes >= 2).sum())
    total_ss = float(((value - means[project])[shared] ** 2).sum())
    noise = total_ss / residual_df if residual_df > 0 else 0.0
    spread = noise
    offsets = np.zeros(reviewers)
    posterior = np.zeros(reviewers)
    if residual_df > 0 and noise > 0 and reviewers > 1:
        for _ in range(iterations):
            ratio = noise / spread if spread > 0 else np.inf
            if not np.isfinite(ratio):
                offsets = np.zeros(reviewers)
                break
            inverse = 1.0 / (eigenvalues + ratio)
            offsets = vectors @ (inverse * projected)
            trace = float(inverse.sum())  # tr((A + λI)⁻¹)
            fitted_trace = float((eigenvalues * inverse).sum())  # tr(A (A + λI)⁻¹)
            residual = (
                total_ss - 2 * float(offsets @ deviations) + float(offsets @ information @ offsets)
            )
            new_spread = (float(offsets @ offsets) + noise * trace) / reviewers
            new_noise = (residual + noise * fitted_trace) / residual_df
            converged = abs(new_spread - spread) < 1e-10 * max(spread, 1e-12) and abs(
                new_noise - noise
            ) < 1e-10 * max(noise, 1e-12)
            spread, noise = max(new_spread, 1e-12 * new_noise), new_noise
            if converged:
                break
        ratio = noise / spread
        inverse = 1.0 / (eigenvalues + ratio)
        offsets = vectors @ (inverse * projected)
        posterior = np.sqrt(noise * ((vectors**2) @ inverse))
    corrected = np.bincount(project, weights=value - offsets[reviewer], minlength=projects) / sizes
    return ReviewerEffects(
        corrected=corrected,
        offsets=offsets,
        offset_sd=posterior,
        reviews=counts.astype(int),
        noise_sd=float(np.sqrt(max(noise, 0.0))),
        offset_spread=float(np.sqrt(max(spread, 0.0))) if reviewers > 1 else 0.0,
    )


def rank_intervals(
    means, standard_errors, *, samples: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each project's rank (1 = highest mean, ties broken by order) and its interval: the
    ranks of draws of every mean from a normal of its standard error (the posterior of the
    project's mean score under a flat prior), the central `level` share. Seeded."""
    means = np.asarray(means, dtype=np.float64)
    errors = np.asarray(standard_errors, dtype=np.float64)
    count = len(means)
    order = np.argsort(-means, kind="stable")
    ranks = np.empty(count, dtype=np.int64)
    ranks[order] = np.arange(1, count + 1)
    if not count:
        return ranks, ranks.copy(), ranks.copy()
    rng = np.random.default_rng(seed)
    draws = means + rng.standard_normal((samples, count)) * errors
    drawn = np.empty((samples, count), dtype=np.int64)
    np.put_along_axis(
        drawn, np.argsort(-draws, axis=1), np.arange(1, count + 1)[None, :].repeat(samples, 0), 1
    )
    tail = (1.0 - level) / 2.0 * 100.0
    low = np.floor(np.percentile(drawn, tail, axis=0)).astype(np.int64)
    high = np.ceil(np.percentile(drawn, 100.0 - tail, axis=0)).astype(np.int64)
    return ranks, np.minimum(low, ranks), np.maximum(high, ranks)


def grey_zone(low, high, line: int) -> np.ndarray:
    """Which projects' rank intervals cross the funding line (the first `line` ranks are
    funded): those that could rank inside as well as outside it."""
    return (np.asarray(low) <= line) & (np.asarray(high) > line)


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
